package dev.saesplit.train;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Everything that determines a training run besides its data and starting weights. Validated once here.
 *
 * @param totalSteps          optimiser steps of the whole run
 * @param learningRate        Adam's peak learning rate
 * @param lrWarmupSteps       steps of linear learning-rate warm-up from zero
 * @param lrDecaySteps        final steps of the run over which the learning rate decays linearly to zero
 * @param sparsityCoefficient λ of the decoder-norm-weighted L1 penalty (ignored by architectures sparse by construction)
 * @param l1WarmupSteps       steps of linear λ warm-up from zero
 * @param adam                Adam's decay rates and epsilon
 * @param maxGradientNorm     global gradient norm above which gradients are scaled down
 * @param unitNormDecoder     keep decoder rows at unit norm (plain L1, gradients projected onto the sphere's
 *                            tangent) instead of weighting the L1 penalty by decoder norms
 * @param zeroTargetLatent    the latent forced to zero before decoding (loss change "zero-target"), if any
 * @param deadLatents         dead-latent tracking and resampling
 * @param logEvery            steps between metric reports
 * @param checkpointEvery     steps between checkpoints
 * @param seed                seed of the trainer's own randomness (resampling)
 * @param stepPath            whether the backward pass works on the active latents only (a speed setting:
 *                            both paths train the same SAE up to rounding)
 * @param deadFeatureWindow   steps without firing after which a latent counts as dead for the AuxK loss of
 *                            BatchTopK and Matryoshka SAEs (SAELens's {@code dead_feature_window}: dead when silent
 *                            for more than this many steps)
 */
public record TrainerConfig(
        long totalSteps,
        double learningRate,
        int lrWarmupSteps,
        long lrDecaySteps,
        double sparsityCoefficient,
        int l1WarmupSteps,
        AdamSettings adam,
        double maxGradientNorm,
        boolean unitNormDecoder,
        OptionalInt zeroTargetLatent,
        DeadLatentPolicy deadLatents,
        int logEvery,
        int checkpointEvery,
        long seed,
        StepPath stepPath,
        int deadFeatureWindow) {

    /** SAELens's {@code dead_feature_window}, in steps. */
    public static final int DEFAULT_DEAD_FEATURE_WINDOW = 1000;

    public TrainerConfig {
        Objects.requireNonNull(adam, "adam");
        Objects.requireNonNull(zeroTargetLatent, "zeroTargetLatent");
        Objects.requireNonNull(deadLatents, "deadLatents");
        Objects.requireNonNull(stepPath, "stepPath");
        require(totalSteps >= 1, "totalSteps must be >= 1, was " + totalSteps);
        require(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be positive, was " + learningRate);
        require(lrWarmupSteps >= 0 && l1WarmupSteps >= 0, "warm-up steps must be >= 0");
        require(lrDecaySteps >= 0, "lrDecaySteps must be >= 0, was " + lrDecaySteps);
        require(sparsityCoefficient >= 0 && Double.isFinite(sparsityCoefficient),
                "sparsityCoefficient must be >= 0, was " + sparsityCoefficient);
        require(maxGradientNorm > 0, "maxGradientNorm must be positive, was " + maxGradientNorm);
        require(zeroTargetLatent.orElse(0) >= 0, "zeroTargetLatent must be >= 0");
        require(logEvery >= 1 && checkpointEvery >= 1, "logEvery and checkpointEvery must be >= 1");
        require(deadFeatureWindow >= 0, "deadFeatureWindow must be >= 0, was " + deadFeatureWindow);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * A builder starting from saesplit's defaults. Adam's betas and the absent LR decay are SAELens's defaults; the
     * learning rate, λ and both warm-ups are this project's (SAELens starts with no warm-up and lr 3e-4).
     */
    public static Builder builder(long totalSteps) {
        return new Builder(totalSteps);
    }

    public Builder toBuilder() {
        Builder b = new Builder(totalSteps);
        b.learningRate = learningRate;
        b.lrWarmupSteps = lrWarmupSteps;
        b.lrDecaySteps = lrDecaySteps;
        b.sparsityCoefficient = sparsityCoefficient;
        b.l1WarmupSteps = l1WarmupSteps;
        b.adam = adam;
        b.maxGradientNorm = maxGradientNorm;
        b.unitNormDecoder = unitNormDecoder;
        b.zeroTargetLatent = zeroTargetLatent;
        b.deadLatents = deadLatents;
        b.logEvery = logEvery;
        b.checkpointEvery = checkpointEvery;
        b.seed = seed;
        b.stepPath = stepPath;
        b.deadFeatureWindow = deadFeatureWindow;
        return b;
    }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private long totalSteps;
        private double learningRate = 4e-4;
        private int lrWarmupSteps = 1000;
        private long lrDecaySteps;
        private double sparsityCoefficient = 5.0;
        private int l1WarmupSteps = 1000;
        private AdamSettings adam = AdamSettings.DEFAULTS;
        private double maxGradientNorm = 1.0;
        private boolean unitNormDecoder;
        private OptionalInt zeroTargetLatent = OptionalInt.empty();
        private DeadLatentPolicy deadLatents = DeadLatentPolicy.DEFAULTS;
        private int logEvery = 50;
        private int checkpointEvery = 500;
        private long seed;
        private StepPath stepPath = StepPath.AUTO;
        private int deadFeatureWindow = DEFAULT_DEAD_FEATURE_WINDOW;

        private Builder(long totalSteps) {
            this.totalSteps = totalSteps;
        }

        public Builder totalSteps(long value) { totalSteps = value; return this; }
        public Builder learningRate(double value) { learningRate = value; return this; }
        public Builder lrWarmupSteps(int value) { lrWarmupSteps = value; return this; }
        public Builder lrDecaySteps(long value) { lrDecaySteps = value; return this; }
        public Builder sparsityCoefficient(double value) { sparsityCoefficient = value; return this; }
        public Builder l1WarmupSteps(int value) { l1WarmupSteps = value; return this; }
        public Builder adam(AdamSettings value) { adam = value; return this; }
        public Builder maxGradientNorm(double value) { maxGradientNorm = value; return this; }
        public Builder unitNormDecoder(boolean value) { unitNormDecoder = value; return this; }
        public Builder zeroTargetLatent(int latent) { zeroTargetLatent = OptionalInt.of(latent); return this; }
        public Builder noZeroTarget() { zeroTargetLatent = OptionalInt.empty(); return this; }
        public Builder deadLatents(DeadLatentPolicy value) { deadLatents = value; return this; }
        public Builder logEvery(int value) { logEvery = value; return this; }
        public Builder checkpointEvery(int value) { checkpointEvery = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder stepPath(StepPath value) { stepPath = value; return this; }
        public Builder deadFeatureWindow(int value) { deadFeatureWindow = value; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(totalSteps, learningRate, lrWarmupSteps, lrDecaySteps, sparsityCoefficient,
                    l1WarmupSteps, adam, maxGradientNorm, unitNormDecoder, zeroTargetLatent, deadLatents, logEvery,
                    checkpointEvery, seed, stepPath, deadFeatureWindow);
        }
    }
}
