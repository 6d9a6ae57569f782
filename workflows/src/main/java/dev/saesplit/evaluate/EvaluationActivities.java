package dev.saesplit.evaluate;

import io.temporal.activity.ActivityInterface;

/** Measures a trained SAE and judges whether the target latent split. */
@ActivityInterface
public interface EvaluationActivities {

    EvaluationResult evaluate(EvaluationRequest request);
}
