package dev.saesplit.lm.train;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.spec.LanguageModelSpec;
import dev.saesplit.worker.ActivityHeartbeat;

/**
 * The language-model training as a durable activity: content-addressed (a finished model is never trained
 * again), heartbeating its progress, and resuming from the newest checkpoint in the key's work directory when
 * retried after the worker died or the attempt was cancelled.
 */
public final class LanguageModelTrainingActivitiesImpl implements LanguageModelTrainingActivities {

    private static final int HEARTBEAT_EVERY = 5;

    private final ArtifactStore store;
    private final LmTrainingListener observer;

    public LanguageModelTrainingActivitiesImpl(ArtifactStore store) {
        this(store, LmTrainingListener.NONE);
    }

    /** As above, with {@code observer} told of progress after it is heartbeated (tests use it to stop a run). */
    LanguageModelTrainingActivitiesImpl(ArtifactStore store, LmTrainingListener observer) {
        this.store = store;
        this.observer = observer;
    }

    @Override
    public ArtifactRef trainLanguageModel(LanguageModelSpec spec, String experiment) {
        try (ActivityHeartbeat heartbeat = ActivityHeartbeat.start(
                new LanguageModelTrainingHeartbeat(0, spec.training().steps(), Double.NaN))) {
            LmTrainingListener listener = new LmTrainingListener() {
                @Override
                public void trained(long step, long totalSteps, double loss, double learningRate) {
                    heartbeat.update(new LanguageModelTrainingHeartbeat(step, totalSteps, loss));
                    heartbeat.checkNotCancelled();
                    observer.trained(step, totalSteps, loss, learningRate);
                }

                @Override
                public void checkpointed(long step, java.nio.file.Path directory) {
                    observer.checkpointed(step, directory);
                }

                @Override
                public void resumed(long step) {
                    observer.resumed(step);
                }
            };
            return new LanguageModelTraining(store, HEARTBEAT_EVERY)
                    .trainOrReuse(spec, new Provenance("lm-train", experiment, spec.name()), listener).artifact();
        }
    }
}
