package dev.saesplit.timing;

import com.google.protobuf.Timestamp;
import dev.saesplit.pipeline.PipelineStage;
import io.temporal.api.history.v1.HistoryEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The activity executions a workflow's history records, with the times the server stamped on them: scheduled,
 * started (the last attempt's start; the server writes that event when the attempt ends, stamped with the time
 * it started) and closed.
 */
public final class HistorySpans {

    private HistorySpans() {
    }

    /** The closed activities of {@code workflow}; {@code row} tells a row's workflow from the experiment's. */
    public static List<ActivitySpan> of(String workflow, boolean row, List<HistoryEvent> events) {
        Map<Long, HistoryEvent> scheduled = new HashMap<>();
        Map<Long, Instant> started = new HashMap<>();
        List<ActivitySpan> spans = new ArrayList<>();
        for (HistoryEvent e : events) {
            switch (e.getEventType()) {
                case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> scheduled.put(e.getEventId(), e);
                case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
                        started.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), time(e));
                case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> close(spans, workflow, row, scheduled, started,
                        e.getActivityTaskCompletedEventAttributes().getScheduledEventId(), time(e));
                case EVENT_TYPE_ACTIVITY_TASK_FAILED -> close(spans, workflow, row, scheduled, started,
                        e.getActivityTaskFailedEventAttributes().getScheduledEventId(), time(e));
                case EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT -> close(spans, workflow, row, scheduled, started,
                        e.getActivityTaskTimedOutEventAttributes().getScheduledEventId(), time(e));
                case EVENT_TYPE_ACTIVITY_TASK_CANCELED -> close(spans, workflow, row, scheduled, started,
                        e.getActivityTaskCanceledEventAttributes().getScheduledEventId(), time(e));
                default -> {
                }
            }
        }
        return spans;
    }

    /** When the workflow started (its first event). */
    public static Instant start(List<HistoryEvent> events) {
        return time(events.get(0));
    }

    /** When the workflow closed (its last event), if it has. */
    public static Optional<Instant> end(List<HistoryEvent> events) {
        HistoryEvent last = events.get(events.size() - 1);
        return switch (last.getEventType()) {
            case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
                 EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
                 EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW ->
                    Optional.of(time(last));
            default -> Optional.empty();
        };
    }

    private static void close(List<ActivitySpan> spans, String workflow, boolean row,
                              Map<Long, HistoryEvent> scheduled, Map<Long, Instant> started, long scheduledId,
                              Instant closed) {
        HistoryEvent schedule = scheduled.get(scheduledId);
        if (schedule == null) {
            return; // a history page that starts after the scheduling: nothing to measure against
        }
        Instant queuedAt = time(schedule);
        // An activity cancelled or timed out before any worker started it executed for no time.
        Instant startedAt = started.getOrDefault(scheduledId, closed);
        PipelineStage.ofActivity(schedule.getActivityTaskScheduledEventAttributes().getActivityType().getName(), row)
                .ifPresent(stage -> spans.add(new ActivitySpan(stage, workflow, queuedAt, startedAt, closed)));
    }

    static Instant time(HistoryEvent event) {
        Timestamp t = event.getEventTime();
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }
}
