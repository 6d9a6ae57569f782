package dev.saesplit.filter;

import dev.saesplit.pipeline.BadInput;

/** The spec's target latent cannot be found in the narrow SAE or the data's ground truth. */
public final class TargetLatentException extends RuntimeException implements BadInput {

    public TargetLatentException(String message) {
        super(message);
    }
}
