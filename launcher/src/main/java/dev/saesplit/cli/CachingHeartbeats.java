package dev.saesplit.cli;

import dev.saesplit.pipeline.CachingProgress;
import dev.saesplit.worker.PendingHeartbeats;
import io.temporal.client.WorkflowClient;

import java.util.Optional;

/**
 * The caching activity's progress, read from its latest heartbeat as the server holds it: the activity reports
 * through heartbeats rather than signals, so a long cache adds nothing to the workflow's history.
 */
final class CachingHeartbeats {

    private static final String ACTIVITY = "EnsureActivations";

    private CachingHeartbeats() {
    }

    static Optional<CachingProgress> latest(WorkflowClient client, String workflowId) {
        try {
            return PendingHeartbeats.latest(client, workflowId, ACTIVITY, CachingProgress.class)
                    .filter(progress -> progress.totalTokens() > 0);
        } catch (RuntimeException notAvailable) {
            return Optional.empty(); // progress is a nicety; the result is followed separately
        }
    }
}
