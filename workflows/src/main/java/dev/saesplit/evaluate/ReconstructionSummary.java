package dev.saesplit.evaluate;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How well an SAE reconstructs a set of held-out tokens, and how sparsely.
 *
 * @param tokens            tokens in the set
 * @param mse               squared error summed over d_in, averaged over tokens
 * @param explainedVariance 1 − squared error / squared deviation from the set's mean
 * @param l0                active latents per token
 * @param deadFraction      latents that never fired on the set
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ReconstructionSummary(long tokens, double mse, double explainedVariance, double l0,
                                    double deadFraction) {
}
