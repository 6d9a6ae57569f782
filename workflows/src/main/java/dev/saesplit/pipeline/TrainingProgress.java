package dev.saesplit.pipeline;

/**
 * Where a training activity stands, as it reports to its workflow.
 *
 * @param step       optimiser steps done
 * @param totalSteps optimiser steps planned
 * @param loss       the latest training loss (NaN before the first report)
 */
public record TrainingProgress(long step, long totalSteps, double loss) {

    public static final TrainingProgress NONE = new TrainingProgress(0, 0, Double.NaN);
}
