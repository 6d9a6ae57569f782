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

    /**
     * Every step: a step of a model like models/stdlib-lm.yaml takes seconds on a busy CPU, and the SDK sends at
     * most one heartbeat per throttle interval whatever the activity reports.
     */
    private static final int HEARTBEAT_EVERY = 1;

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
        TimeLeft timeLeft = new TimeLeft();
        try (ActivityHeartbeat heartbeat = ActivityHeartbeat.start(
                LanguageModelTrainingHeartbeat.starting(spec.training().steps()))) {
            LmTrainingListener listener = new LmTrainingListener() {
                // The latest details, each report adding to them: a held-out loss stays shown between evaluations.
                private LanguageModelTrainingHeartbeat latest = LanguageModelTrainingHeartbeat.starting(
                        spec.training().steps());

                @Override
                public void reading(long documentsRead, long documents) {
                    latest = latest.reading(documentsRead, documents);
                    heartbeat.update(latest);
                    heartbeat.checkNotCancelled();
                }

                @Override
                public void trained(long step, long totalSteps, double loss, double learningRate) {
                    latest = latest.trained(step, loss, timeLeft.after(step, totalSteps, System.nanoTime()));
                    heartbeat.update(latest);
                    heartbeat.checkNotCancelled();
                    observer.trained(step, totalSteps, loss, learningRate);
                }

                @Override
                public void evaluated(long step, double heldOutLoss) {
                    latest = latest.evaluated(step, heldOutLoss);
                    heartbeat.update(latest);
                    observer.evaluated(step, heldOutLoss);
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
