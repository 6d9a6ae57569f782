package dev.saesplit.train;

/** Learning rate and sparsity coefficient as functions of the step (0-based): pure, so a resumed run agrees. */
public final class TrainingSchedule {

    private final TrainerConfig config;
    private final long decaySteps;

    public TrainingSchedule(TrainerConfig config) {
        this.config = config;
        this.decaySteps = Math.round(config.lrDecayFraction() * config.totalSteps());
    }

    /** Linear warm-up to the peak, constant, then linear decay to zero over the run's final fraction. */
    public double learningRate(long step) {
        double factor = 1.0;
        if (step < config.lrWarmupSteps()) {
            factor = (step + 1.0) / config.lrWarmupSteps();
        }
        long decayStart = config.totalSteps() - decaySteps;
        if (decaySteps > 0 && step >= decayStart) {
            factor = Math.min(factor, (double) (config.totalSteps() - step) / decaySteps);
        }
        return config.learningRate() * factor;
    }

    /** λ, warmed up linearly from zero. */
    public double sparsityCoefficient(long step) {
        if (step < config.l1WarmupSteps()) {
            return config.sparsityCoefficient() * (step + 1.0) / config.l1WarmupSteps();
        }
        return config.sparsityCoefficient();
    }
}
