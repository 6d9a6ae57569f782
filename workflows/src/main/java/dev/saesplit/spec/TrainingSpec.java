package dev.saesplit.spec;

/**
 * Optimiser settings shared by every SAE an experiment trains.
 *
 * @param batchSize           tokens per optimiser step
 * @param learningRate        Adam's peak learning rate
 * @param sparsityCoefficient λ of the sparsity penalty
 * @param lrWarmupSteps       steps of linear learning-rate warm-up
 * @param l1WarmupSteps       steps of linear λ warm-up
 * @param checkpointEvery     steps between checkpoints (a killed worker loses at most this many)
 * @param logEvery            steps between metric reports
 */
public record TrainingSpec(
        int batchSize,
        double learningRate,
        double sparsityCoefficient,
        int lrWarmupSteps,
        int l1WarmupSteps,
        int checkpointEvery,
        int logEvery) {

    public static final TrainingSpec DEFAULTS = new TrainingSpec(4096, 4e-4, 5.0, 1000, 1000, 500, 50);
}
