package dev.saesplit.train;

/**
 * Reconstruction and sparsity of one batch, measured during its training step.
 *
 * @param mse               squared error summed over d_in, averaged over tokens
 * @param explainedVariance 1 − squared error / squared deviation of the batch from its mean
 * @param l1                Σ_i f_i‖W_dec,i‖ averaged over tokens
 * @param l0                active latents per token
 */
record BatchStatistics(double mse, double explainedVariance, double l1, double l0) {
}
