package dev.saesplit.timing;

import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An experiment's {@link StageTimings}, read from the histories of its workflow and of its rows' workflows (the
 * server's own timestamps: nothing is measured by the workers), and printed as {@code run}'s summary.
 */
public final class ExperimentTimings {

    private ExperimentTimings() {
    }

    /** The timings of the finished experiment workflow {@code experimentId} and its rows' {@code rowIds}. */
    public static Optional<StageTimings> read(WorkflowClient client, String experimentId, List<String> rowIds) {
        List<HistoryEvent> experiment = events(client, experimentId);
        Optional<java.time.Instant> end = HistorySpans.end(experiment);
        if (end.isEmpty()) {
            return Optional.empty();
        }
        List<ActivitySpan> spans = new ArrayList<>(HistorySpans.of(experimentId, false, experiment));
        for (String row : rowIds) {
            spans.addAll(HistorySpans.of(row, true, events(client, row)));
        }
        return Optional.of(StageTimings.of(spans, HistorySpans.start(experiment), end.get()));
    }

    private static List<HistoryEvent> events(WorkflowClient client, String workflowId) {
        return client.fetchHistory(workflowId).getHistory().getEventsList();
    }

    /** The summary's lines: a table of stages, then the experiment's overhead. */
    public static String format(StageTimings timings) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-10s %9s %9s %9s %7s%n",
                "stage", "wall", "compute", "parallel", "idle"));
        for (StageTimings.Stage s : timings.stages()) {
            out.append(String.format(Locale.ROOT, "%-10s %9s %9s %8.2fx %6.1f%%%n", s.stage().label(),
                    seconds(s.wall()), seconds(s.compute()), s.parallelism(), 100 * s.idle()));
        }
        out.append(String.format(Locale.ROOT, "experiment %s wall, %s with an activity running, %s compute: "
                        + "orchestration overhead %.1f %%%n", seconds(timings.wall()), seconds(timings.busy()),
                seconds(timings.compute()), 100 * timings.overhead()));
        return out.toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }
}
