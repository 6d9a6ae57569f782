package dev.saesplit.train;

import dev.saesplit.pipeline.BadInput;
/** The activations offered for training have a different width than the SAE reads. */
public class ActivationWidthMismatchException extends IllegalArgumentException implements BadInput {

    public ActivationWidthMismatchException(int dataWidth, int saeWidth, String saeDescription) {
        super("activation stream delivers d_in=" + dataWidth + " but the SAE (" + saeDescription
                + ") expects d_in=" + saeWidth);
    }
}
