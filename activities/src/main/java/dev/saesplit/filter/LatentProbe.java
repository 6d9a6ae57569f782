package dev.saesplit.filter;

/**
 * What filtering needs of a narrow SAE: one latent's encoder column and bias, and the decoder bias the input is
 * centred by. Its activation is that of the standard ReLU SAE, {@code ReLU((x − b_dec) · W_enc[:, j] + b_enc[j])}.
 *
 * @param encoderColumn {@code W_enc[:, j]}, length dIn
 * @param encoderBias   {@code b_enc[j]}
 * @param decoderBias   {@code b_dec}, length dIn
 */
public record LatentProbe(float[] encoderColumn, float encoderBias, float[] decoderBias) {

    public LatentProbe {
        if (encoderColumn.length == 0 || encoderColumn.length != decoderBias.length) {
            throw new IllegalArgumentException("encoder column (" + encoderColumn.length + ") and decoder bias ("
                    + decoderBias.length + ") must have the same positive length");
        }
        encoderColumn = encoderColumn.clone();
        decoderBias = decoderBias.clone();
    }

    /**
     * The probe for latent {@code latent} of SAE weights in the SAELens layout: {@code W_enc [dIn, dSae]} and the
     * biases, all row-major.
     */
    public static LatentProbe fromSaeWeights(float[] encoderWeights, float[] encoderBiases, float[] decoderBias,
                                             int dIn, int dSae, int latent) {
        if (encoderWeights.length != (long) dIn * dSae || encoderBiases.length != dSae) {
            throw new IllegalArgumentException("W_enc must be [" + dIn + ", " + dSae + "] and b_enc [" + dSae + "]");
        }
        if (latent < 0 || latent >= dSae) {
            throw new IllegalArgumentException("latent " + latent + " is outside [0, " + dSae + ")");
        }
        float[] column = new float[dIn];
        for (int i = 0; i < dIn; i++) {
            column[i] = encoderWeights[i * dSae + latent];
        }
        return new LatentProbe(column, encoderBiases[latent], decoderBias);
    }

    public int dIn() {
        return encoderColumn.length;
    }

    @Override
    public float[] encoderColumn() {
        return encoderColumn.clone();
    }

    @Override
    public float[] decoderBias() {
        return decoderBias.clone();
    }

    /** The latent's activation on the row {@code rows[offset, offset + dIn)}; accumulated in double. */
    public float activation(float[] rows, int offset) {
        double preActivation = encoderBias;
        for (int i = 0; i < encoderColumn.length; i++) {
            preActivation += ((double) rows[offset + i] - decoderBias[i]) * encoderColumn[i];
        }
        return preActivation > 0 ? (float) preActivation : 0f;
    }
}
