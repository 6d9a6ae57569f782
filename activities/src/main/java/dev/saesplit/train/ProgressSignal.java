package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;

import java.time.Duration;

/**
 * Tells the workflow that runs a training how far it is, for {@code progress()} queries: at most one signal
 * every two seconds, since each is an event in the workflow's history.
 */
final class ProgressSignal {

    private static final long MIN_INTERVAL_NANOS = Duration.ofSeconds(2).toNanos();

    private final ProgressSink sink;
    private final String workflowId;
    private long lastSent = Long.MIN_VALUE;

    ProgressSignal(ProgressSink sink, String workflowId) {
        this.sink = sink;
        this.workflowId = workflowId;
    }

    void maybeSend(TrainingProgress progress) {
        long now = System.nanoTime();
        if (lastSent != Long.MIN_VALUE && now - lastSent < MIN_INTERVAL_NANOS) {
            return;
        }
        send(progress);
        lastSent = now;
    }

    void send(TrainingProgress progress) {
        sink.report(workflowId, progress);
    }
}
