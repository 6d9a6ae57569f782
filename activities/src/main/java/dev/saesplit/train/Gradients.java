package dev.saesplit.train;

import ai.djl.ndarray.NDArray;

/**
 * The loss's gradients with respect to the SAE's parameters, shaped like them: the four every SAE has and, for one
 * with trained thresholds (JumpReLU), the threshold's (else null). Live for one step.
 */
record Gradients(NDArray encoderWeights, NDArray encoderBias, NDArray decoderWeights, NDArray decoderBias,
                 NDArray threshold) {

    Gradients(NDArray encoderWeights, NDArray encoderBias, NDArray decoderWeights, NDArray decoderBias) {
        this(encoderWeights, encoderBias, decoderWeights, decoderBias, null);
    }

    /** The global L2 norm over all of them, as gradient clipping measures it. */
    double globalNorm() {
        return Math.sqrt(squaredNorm(encoderWeights) + squaredNorm(encoderBias) + squaredNorm(decoderWeights)
                + squaredNorm(decoderBias) + (threshold == null ? 0 : squaredNorm(threshold)));
    }

    /** The gradient of parameter {@code index} in SAELens order: W_enc, b_enc, W_dec, b_dec, then threshold. */
    NDArray get(int index) {
        return switch (index) {
            case 0 -> encoderWeights;
            case 1 -> encoderBias;
            case 2 -> decoderWeights;
            case 3 -> decoderBias;
            case 4 -> threshold;
            default -> throw new IndexOutOfBoundsException("parameter " + index);
        };
    }

    private static double squaredNorm(NDArray gradient) {
        try (NDArray norm = gradient.norm()) {
            double value = norm.getFloat();
            return value * value;
        }
    }
}
