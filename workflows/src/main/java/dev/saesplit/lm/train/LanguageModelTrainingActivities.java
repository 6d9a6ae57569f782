package dev.saesplit.lm.train;

import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.spec.LanguageModelSpec;
import io.temporal.activity.ActivityInterface;

/**
 * Trains a small language model on a corpus (or finds it trained): long-running, heartbeating, checkpointing,
 * resumable. The result is the model's folder, which the model stage loads ({@code weights:} and
 * {@code tokenizer:} of a {@code source: model} spec).
 */
@ActivityInterface
public interface LanguageModelTrainingActivities {

    /**
     * @param spec       what to train
     * @param experiment who asked, for the artifact's provenance
     */
    ArtifactRef trainLanguageModel(LanguageModelSpec spec, String experiment);
}
