package dev.saesplit.pipeline;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;

import java.time.Duration;

/**
 * The activity options every pipeline workflow uses, named for what they mean. Infrastructure faults retry,
 * backing off to a minute, until the activity's schedule-to-close bound: an outage of hours is waited out, but
 * nothing retries forever; when the bound passes, the row fails with the last attempt's message.
 * {@link FailureClassifyingInterceptor} stops the rest: bad input at once, unexpected errors after a few attempts.
 */
public final class PipelineActivityOptions {

    /**
     * A worker heartbeats every few seconds while it works, so silence this long means it died: the server then
     * retries the activity on another worker, which resumes from the last checkpoint.
     */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(20);

    private static final RetryOptions RETRY_INFRASTRUCTURE = RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2.0)
            .setMaximumInterval(Duration.ofMinutes(1))
            .build();

    /** SAE training: on the gpu queue, heartbeating, resumable from its checkpoints. */
    public static final ActivityOptions TRAINING = ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.GPU)
            .setStartToCloseTimeout(Duration.ofDays(7))
            .setScheduleToCloseTimeout(Duration.ofDays(14))
            .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
            .setRetryOptions(RETRY_INFRASTRUCTURE)
            .build();

    /** Streaming over activations (caching, filtering, evaluation): long, heartbeating. */
    public static final ActivityOptions DATA = ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.CPU)
            .setStartToCloseTimeout(Duration.ofDays(1))
            .setScheduleToCloseTimeout(Duration.ofDays(3))
            .setHeartbeatTimeout(HEARTBEAT_TIMEOUT)
            .setRetryOptions(RETRY_INFRASTRUCTURE)
            .build();

    /** Quick work: initialising weights, recording state in PostgreSQL. */
    public static final ActivityOptions SHORT_IO = ActivityOptions.newBuilder()
            .setTaskQueue(TaskQueues.CPU)
            .setStartToCloseTimeout(Duration.ofMinutes(5))
            .setScheduleToCloseTimeout(Duration.ofDays(1))
            .setRetryOptions(RETRY_INFRASTRUCTURE)
            .build();

    private PipelineActivityOptions() {
    }
}
