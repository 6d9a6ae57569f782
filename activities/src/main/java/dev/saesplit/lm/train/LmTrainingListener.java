package dev.saesplit.lm.train;

import java.nio.file.Path;

/**
 * Told of a language-model training's progress, on the training thread. An exception thrown here stops the
 * training where it is (a cancelled activity, or a test simulating a crash); the last checkpoint survives.
 */
public interface LmTrainingListener {

    LmTrainingListener NONE = new LmTrainingListener() {
    };

    /** While the corpus is read and tokenized, after each of its {@code documents} documents. */
    default void reading(long documentsRead, long documents) {
    }

    /**
     * Before training, with the held-out cross-entropies (nats) of the unigram and bigram baselines the model is to
     * beat, measured on the held-out contexts its own held-out loss uses.
     */
    default void baselines(double unigram, double bigram) {
    }

    /** After every {@code every}-th optimiser step, with that step's training loss. */
    default void trained(long step, long totalSteps, double loss, double learningRate) {
    }

    /** After a held-out evaluation. */
    default void evaluated(long step, double heldOutLoss) {
    }

    /** After a checkpoint is complete on disk. */
    default void checkpointed(long step, Path directory) {
    }

    /** When the training resumes from a checkpoint instead of starting afresh. */
    default void resumed(long step) {
    }
}
