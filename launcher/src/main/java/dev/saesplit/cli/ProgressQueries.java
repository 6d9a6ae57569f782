package dev.saesplit.cli;

import com.google.protobuf.Timestamp;
import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.run.SplitRunWorkflow;
import dev.saesplit.worker.PendingHeartbeats;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An experiment's live progress: each workflow's stage by query, how far that stage is from its activity's
 * heartbeat details (see {@link ActivityProgress}), and how long the experiment has run from the server's
 * timestamps; never from the database, and never from workflow history.
 */
final class ProgressQueries {

    private static final String WAITING = "waiting";

    private ProgressQueries() {
    }

    /** "experiment" and "run ID" for each row, in order; a workflow not started yet shows as waiting. */
    static Map<String, ProgressLine> of(WorkflowClient client, String experiment, List<String> rowIds) {
        return of(client, experiment, WorkflowIds.experiment(experiment), rowIds);
    }

    /** As above, with the experiment's stages read from the workflow {@code experimentId} (a narrow-only run's). */
    static Map<String, ProgressLine> of(WorkflowClient client, String experiment, String experimentId,
                                        List<String> rowIds) {
        Map<String, ProgressLine> lines = new LinkedHashMap<>();
        Optional<DescribeWorkflowExecutionResponse> described = described(client, experimentId);
        ProgressLine overall = line(client, described, () -> client.newWorkflowStub(ExperimentWorkflow.class,
                experimentId).progress());
        lines.put("experiment", described.map(d -> overall.withDetail(elapsed(d.getWorkflowExecutionInfo(),
                Instant.now()))).orElse(overall));
        Map<String, ProgressLine> trainedTogether = groupTraining(client, described);
        for (String row : rowIds) {
            String rowId = WorkflowIds.run(experiment, row);
            Optional<DescribeWorkflowExecutionResponse> rowDescribed = described(client, rowId);
            lines.put("run " + row, rowDescribed.isEmpty() && trainedTogether.containsKey(row)
                    ? trainedTogether.get(row)
                    : line(client, rowDescribed, () -> client.newWorkflowStub(SplitRunWorkflow.class, rowId)
                            .progress()));
        }
        return lines;
    }

    /** Rows the experiment trains together now, by run id; none where it trains none (or cannot be read). */
    private static Map<String, ProgressLine> groupTraining(WorkflowClient client,
                                                           Optional<DescribeWorkflowExecutionResponse> experiment) {
        try {
            return experiment.map(d -> ActivityProgress.trainedTogether(client, d.getPendingActivitiesList()))
                    .orElse(Map.of());
        } catch (RuntimeException unreadable) {
            return Map.of(); // progress is advisory
        }
    }

    /** A workflow's stage, with its pending activity's progress while it is not done. */
    private static ProgressLine line(WorkflowClient client, Optional<DescribeWorkflowExecutionResponse> described,
                                     Supplier<StageProgress> query) {
        if (described.isEmpty()) {
            return ProgressLine.stageOnly(WAITING);
        }
        // A closed workflow says how it ended, unasked: a query would need a worker to replay it, and waits a
        // minute for one where none runs.
        Optional<String> ended = ended(described.get().getWorkflowExecutionInfo().getStatus());
        if (ended.isPresent()) {
            return ProgressLine.stageOnly(ended.get());
        }
        StageProgress p;
        try {
            p = query.get();
        } catch (RuntimeException notStartedYet) {
            return ProgressLine.stageOnly(WAITING);
        }
        try {
            return ActivityProgress.of(client, p.stage(), p.done() ? List.of()
                    : described.get().getPendingActivitiesList());
        } catch (RuntimeException unreadable) {
            return ProgressLine.stageOnly(p.stage()); // progress is advisory: a line without it, nothing else
        }
    }

    /** How a closed workflow ended, in words; empty while it runs. */
    static Optional<String> ended(WorkflowExecutionStatus status) {
        return Optional.ofNullable(switch (status) {
            case WORKFLOW_EXECUTION_STATUS_COMPLETED -> "finished";
            case WORKFLOW_EXECUTION_STATUS_FAILED -> "failed";
            case WORKFLOW_EXECUTION_STATUS_CANCELED -> "cancelled";
            case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "terminated";
            case WORKFLOW_EXECUTION_STATUS_TIMED_OUT -> "timed out";
            default -> null;
        });
    }

    private static Optional<DescribeWorkflowExecutionResponse> described(WorkflowClient client, String workflowId) {
        try {
            return Optional.of(PendingHeartbeats.describe(client, workflowId));
        } catch (RuntimeException notStartedYet) {
            return Optional.empty();
        }
    }

    /** "running 4 min 12 s", or how long a closed workflow ran, from the server's clock of start and close. */
    static String elapsed(WorkflowExecutionInfo info, Instant now) {
        if (!info.hasStartTime()) {
            return "";
        }
        Instant start = instant(info.getStartTime());
        boolean closed = info.hasCloseTime() && info.getCloseTime().getSeconds() > 0;
        Instant end = closed ? instant(info.getCloseTime()) : now;
        long seconds = Math.max(0, end.getEpochSecond() - start.getEpochSecond());
        return (closed ? "ran " : "running ") + Durations.words(seconds);
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
