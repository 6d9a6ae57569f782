package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Optimiser settings shared by every SAE an experiment trains.
 *
 * @param batchSize           tokens per optimiser step
 * @param learningRate        Adam's peak learning rate
 * @param sparsityCoefficient λ of the sparsity penalty
 * @param lrWarmupSteps       steps of linear learning-rate warm-up
 * @param l1WarmupSteps       steps of linear λ warm-up
 * @param lrDecaySteps        final steps over which the learning rate decays linearly to zero (SAELens's
 *                            {@code lr_decay_steps}; 0, its default, keeps it constant to the end)
 * @param checkpointEvery     steps between checkpoints (a killed worker loses at most this many)
 * @param logEvery            steps between metric reports
 * @param sharedStream        train the rows that read the same data (all tokens; filtered tokens) together, one
 *                            activity per group reading each batch once for all of its rows; a group's data order is
 *                            seeded by its first row's seed (absent, so false, in specs recorded before it existed)
 */
public record TrainingSpec(
        int batchSize,
        double learningRate,
        double sparsityCoefficient,
        int lrWarmupSteps,
        int l1WarmupSteps,
        int lrDecaySteps,
        int checkpointEvery,
        int logEvery,
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean sharedStream) {

    public static final TrainingSpec DEFAULTS = new TrainingSpec(4096, 4e-4, 5.0, 1000, 1000, 0, 500, 50);

    /** Settings for rows trained one by one, each in its own data order. */
    public TrainingSpec(int batchSize, double learningRate, double sparsityCoefficient, int lrWarmupSteps,
                        int l1WarmupSteps, int lrDecaySteps, int checkpointEvery, int logEvery) {
        this(batchSize, learningRate, sparsityCoefficient, lrWarmupSteps, l1WarmupSteps, lrDecaySteps,
                checkpointEvery, logEvery, false);
    }
}
