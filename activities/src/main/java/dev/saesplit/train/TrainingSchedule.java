package dev.saesplit.train;

/**
 * Learning rate and sparsity coefficient as functions of the step (0-based): pure, so a resumed run agrees.
 * Both follow SAELens's schedulers ({@code training/optim.py}) with its {@code constant} LR scheduler.
 */
public final class TrainingSchedule {

    private final TrainerConfig config;

    public TrainingSchedule(TrainerConfig config) {
        this.config = config;
    }

    /**
     * Linear warm-up from peak/W at step 0 to the peak at step W − 1 (SAELens's {@code LinearLR} with
     * {@code start_factor=1/W}), constant, then over the last D = {@code lrDecaySteps} steps a linear decay that
     * reaches zero one step after the run ends ({@code LinearLR(end_factor=0, total_iters=D)} from step T − D).
     */
    public double learningRate(long step) {
        double factor = 1.0;
        if (step < config.lrWarmupSteps()) {
            factor = (step + 1.0) / config.lrWarmupSteps();
        }
        long decaySteps = Math.min(config.lrDecaySteps(), config.totalSteps());
        long decayStart = config.totalSteps() - decaySteps;
        if (decaySteps > 0 && step >= decayStart) {
            factor = Math.min(factor, (double) (config.totalSteps() - step) / decaySteps);
        }
        return config.learningRate() * factor;
    }

    /**
     * λ, warmed up linearly from zero: step s of the first W uses λ·s/W, as SAELens's {@code CoefficientScheduler},
     * whose value a step reads before the scheduler advances, so the very first step trains without the penalty.
     */
    public double sparsityCoefficient(long step) {
        if (step < config.l1WarmupSteps()) {
            return config.sparsityCoefficient() * step / config.l1WarmupSteps();
        }
        return config.sparsityCoefficient();
    }
}
