package dev.saesplit.train;

import ai.djl.ndarray.NDArray;

/** The loss's gradients with respect to the four SAE parameters, shaped like them. Live for one step. */
record Gradients(NDArray encoderWeights, NDArray encoderBias, NDArray decoderWeights, NDArray decoderBias) {

    /** The global L2 norm over all four, as gradient clipping measures it. */
    double globalNorm() {
        return Math.sqrt(squaredNorm(encoderWeights) + squaredNorm(encoderBias) + squaredNorm(decoderWeights)
                + squaredNorm(decoderBias));
    }

    /** The gradient of parameter {@code index} in SAELens order: W_enc, b_enc, W_dec, b_dec. */
    NDArray get(int index) {
        return switch (index) {
            case 0 -> encoderWeights;
            case 1 -> encoderBias;
            case 2 -> decoderWeights;
            case 3 -> decoderBias;
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
