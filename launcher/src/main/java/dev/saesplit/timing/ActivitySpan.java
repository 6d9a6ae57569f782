package dev.saesplit.timing;

import dev.saesplit.pipeline.PipelineStage;

import java.time.Duration;
import java.time.Instant;

/**
 * One activity execution as its workflow's history records it.
 *
 * @param stage     the pipeline stage it belongs to ({@link PipelineStage})
 * @param workflow  the workflow that ran it
 * @param scheduled when the workflow asked for it
 * @param started   when a worker picked it up (its last attempt)
 * @param closed    when it completed, failed, timed out or was cancelled
 */
public record ActivitySpan(PipelineStage stage, String workflow, Instant scheduled, Instant started,
                           Instant closed) {

    public ActivitySpan {
        if (started.isBefore(scheduled) || closed.isBefore(started)) {
            throw new IllegalArgumentException("activity of " + workflow + " in stage " + stage
                    + " out of order: scheduled " + scheduled + ", started " + started + ", closed " + closed);
        }
    }

    /** Time a worker spent on it. */
    public Duration compute() {
        return Duration.between(started, closed);
    }
}
