package dev.saesplit.timing;

import dev.saesplit.pipeline.PipelineStage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Wall time against compute on a made-up experiment with known figures: caching, the narrow SAE, two rows whose
 * trainings share one slot (the second waits ten seconds in the queue), and the report.
 */
class StageTimingsTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ActivitySpan span(PipelineStage stage, String workflow, int scheduled, int started, int closed) {
        return new ActivitySpan(stage, workflow, T0.plusSeconds(scheduled), T0.plusSeconds(started),
                T0.plusSeconds(closed));
    }

    private static final List<ActivitySpan> ACTIVITIES = List.of(
            span(PipelineStage.CACHE, "e", 0, 1, 11),
            span(PipelineStage.NARROW, "e", 11, 11, 12),
            span(PipelineStage.NARROW, "e", 12, 13, 23),
            span(PipelineStage.TRAIN, "r1", 24, 24, 34),
            span(PipelineStage.TRAIN, "r2", 24, 34, 44),
            span(PipelineStage.REPORT, "e", 44, 45, 46));

    private final StageTimings timings = StageTimings.of(ACTIVITIES, T0, T0.plusSeconds(47));

    private Map<PipelineStage, StageTimings.Stage> stages() {
        return timings.stages().stream().collect(Collectors.toMap(StageTimings.Stage::stage, s -> s));
    }

    @Test
    void aSerialStageIsIdleWhileWaitingBetweenItsActivities() {
        StageTimings.Stage narrow = stages().get(PipelineStage.NARROW);

        assertEquals(2, narrow.activities());
        assertEquals(Duration.ofSeconds(12), narrow.wall(), "from the first scheduling to the last close");
        assertEquals(Duration.ofSeconds(11), narrow.compute());
        assertEquals(1.0 / 12, narrow.idle(), 1e-12);
    }

    @Test
    void rowsQueuedBehindOneSlotKeepTheStageBusyButNotParallel() {
        StageTimings.Stage train = stages().get(PipelineStage.TRAIN);

        assertEquals(Duration.ofSeconds(20), train.wall());
        assertEquals(Duration.ofSeconds(20), train.compute());
        assertEquals(1.0, train.parallelism(), 1e-12);
        assertEquals(0.0, train.idle(), 1e-12, "one row trains while the other waits");
    }

    @Test
    void overheadIsTheShareOfWallTimeWithNoActivityRunning() {
        assertEquals(Duration.ofSeconds(47), timings.wall());
        assertEquals(Duration.ofSeconds(42), timings.compute());
        assertEquals(Duration.ofSeconds(42), timings.busy());
        assertEquals(5.0 / 47, timings.overhead(), 1e-12);
        assertEquals(List.of(PipelineStage.CACHE, PipelineStage.NARROW, PipelineStage.TRAIN, PipelineStage.REPORT),
                timings.stages().stream().map(StageTimings.Stage::stage).toList(), "in pipeline order");
    }

    @Test
    void parallelRowsCountComputeOnceEachButBusyTimeOnce() {
        StageTimings parallel = StageTimings.of(List.of(
                span(PipelineStage.TRAIN, "r1", 0, 0, 10),
                span(PipelineStage.TRAIN, "r2", 0, 1, 10)), T0, T0.plusSeconds(10));
        StageTimings.Stage train = parallel.stages().get(0);

        assertEquals(Duration.ofSeconds(19), train.compute());
        assertEquals(Duration.ofSeconds(10), train.wall());
        assertEquals(1.9, train.parallelism(), 1e-12);
        assertTrue(train.compute().compareTo(train.wall().multipliedBy(2)) <= 0, "compute ≤ wall × slots");
        assertEquals(0.0, parallel.overhead(), 1e-12);
    }

    @Test
    void theSummaryPrintsEveryStageAndTheOverhead() {
        String summary = ExperimentTimings.format(timings);

        assertTrue(summary.contains("\nnarrow       12.00 s   11.00 s     0.92x    8.3%\n"), summary);
        assertTrue(summary.endsWith("experiment 47.00 s wall, 42.00 s with an activity running, 42.00 s compute: "
                + "orchestration overhead 10.6 %\n"), summary);
    }
}
