package dev.saesplit.train;

/**
 * What a training run reports every {@code logEvery} steps and at its last step, measured on the step's batch
 * before the step's update (dead and dense fractions over the firing window).
 *
 * @param step                steps completed before the measured batch: 0 for the first report
 * @param tokensSeen          tokens trained on before the measured batch
 * @param mse                 squared error summed over d_in, averaged over tokens
 * @param explainedVariance   1 − squared error / batch variance
 * @param l1                  Σ_i f_i‖W_dec,i‖ per token
 * @param l0                  active latents per token
 * @param deadFraction        fraction of latents silent for the whole dead-latent window (a zero-target
 *                            latent, silent by design, counts)
 * @param denseFraction       fraction of latents firing above the dense frequency
 * @param learningRate        the learning rate of this step
 * @param sparsityCoefficient λ of this step
 */
public record TrainingMetrics(
        long step,
        long tokensSeen,
        double mse,
        double explainedVariance,
        double l1,
        double l0,
        double deadFraction,
        double denseFraction,
        double learningRate,
        double sparsityCoefficient) {
}
