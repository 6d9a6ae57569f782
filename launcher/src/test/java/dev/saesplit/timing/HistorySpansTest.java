package dev.saesplit.timing;

import com.google.protobuf.Timestamp;
import dev.saesplit.pipeline.PipelineStage;
import io.temporal.api.common.v1.ActivityType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.ActivityTaskCompletedEventAttributes;
import io.temporal.api.history.v1.ActivityTaskScheduledEventAttributes;
import io.temporal.api.history.v1.ActivityTaskStartedEventAttributes;
import io.temporal.api.history.v1.HistoryEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Activity executions read back from history events, with the server's timestamps. */
class HistorySpansTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static HistoryEvent.Builder at(long id, int second, EventType type) {
        return HistoryEvent.newBuilder().setEventId(id).setEventType(type)
                .setEventTime(Timestamp.newBuilder().setSeconds(T0.getEpochSecond() + second));
    }

    private static final List<HistoryEvent> TRAINING = List.of(
            at(1, 0, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).build(),
            at(5, 1, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).setActivityTaskScheduledEventAttributes(
                    ActivityTaskScheduledEventAttributes.newBuilder()
                            .setActivityType(ActivityType.newBuilder().setName("Train"))).build(),
            at(6, 3, EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED).setActivityTaskStartedEventAttributes(
                    ActivityTaskStartedEventAttributes.newBuilder().setScheduledEventId(5)).build(),
            at(7, 30, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED).setActivityTaskCompletedEventAttributes(
                    ActivityTaskCompletedEventAttributes.newBuilder().setScheduledEventId(5).setStartedEventId(6))
                    .build(),
            at(8, 31, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED).build());

    @Test
    void aRowsTrainingIsTheTrainStageFromItsScheduledStartedAndCompletedEvents() {
        assertEquals(List.of(new ActivitySpan(PipelineStage.TRAIN, "row", T0.plusSeconds(1), T0.plusSeconds(3),
                T0.plusSeconds(30))), HistorySpans.of("row", true, TRAINING));
    }

    @Test
    void theExperimentsTrainingIsTheNarrowSae() {
        assertEquals(PipelineStage.NARROW, HistorySpans.of("e", false, TRAINING).get(0).stage());
    }

    @Test
    void aWorkflowEndsAtItsClosingEventAndOnlyThen() {
        assertEquals(T0, HistorySpans.start(TRAINING));
        assertEquals(Optional.of(T0.plusSeconds(31)), HistorySpans.end(TRAINING));
        assertEquals(Optional.empty(), HistorySpans.end(TRAINING.subList(0, 4)));
        assertEquals(List.of(), HistorySpans.of("row", true, TRAINING.subList(0, 3)), "still running");
    }
}
