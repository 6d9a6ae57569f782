package dev.saesplit.train;

import dev.saesplit.pipeline.BadInput;
/** The gradient became NaN or infinite from finite data: the run diverged (learning rate or λ too high). */
public class TrainingDivergedException extends IllegalStateException implements BadInput {

    public TrainingDivergedException(long step, double gradientNorm) {
        super("gradient norm is " + gradientNorm + " at step " + step
                + " although the batch was finite; lower the learning rate or the sparsity coefficient");
    }
}
