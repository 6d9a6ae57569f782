package dev.saesplit.evaluate;

import dev.saesplit.table.SplitOutcome;

/**
 * A row's evaluation.
 *
 * @param mse                 mean squared reconstruction error (summed over d_in, averaged over tokens)
 * @param explainedVariance   1 − residual variance / activation variance
 * @param l0                  mean active latents per token
 * @param deadFraction        latents that never fired on the evaluation tokens
 * @param bestCosineToTarget  the largest cosine between a wide decoder row and the target's narrow one
 * @param children            wide latents that qualify as children of the target
 * @param outcome             whether the target split
 * @param detail              one line explaining the outcome
 */
public record EvaluationResult(double mse, double explainedVariance, double l0, double deadFraction,
                               double bestCosineToTarget, int children, SplitOutcome outcome, String detail) {
}
