package dev.saesplit.filter;

import dev.saesplit.sae.ActivationNormalization;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

/**
 * One latent's activation, a row at a time on the host, computed as the SAE itself encodes
 * ({@link dev.saesplit.sae.SparseAutoencoder#encode}): its row normalisation, {@code b_dec} subtracted only if it
 * applies it to the input, decoder-norm scaling and activation from its architecture, with the latent's threshold
 * where it has one (JumpReLU). Where the architecture
 * makes latents independent (ReLU) only the latent's own encoder column is used; otherwise (TopK) every
 * pre-activation is computed. Immutable, so scanning threads share one.
 */
public final class LatentProbe {

    private final int latent;
    private final int dIn;
    private final int dSae;
    private final SaeArchitecture architecture;
    private final ActivationNormalization normalization;
    /** {@code b_dec} where the input is centred by it, else zeros. */
    private final double[] inputShift;
    /** Row-major {@code [d_in, columns]}: the latent's own column, or all of {@code W_enc}. */
    private final float[] encoder;
    private final float[] encoderBias;
    private final double[] decoderNorms;
    /** Per entry of {@code pre}, the latent's threshold (JumpReLU), or null without thresholds. */
    private final float[] thresholds;

    private LatentProbe(SaeWeights weights, int latent) {
        SaeConfig config = weights.config();
        if (latent < 0 || latent >= config.dSae()) {
            throw new IllegalArgumentException("latent " + latent + " is outside [0, " + config.dSae() + ")");
        }
        this.latent = latent;
        this.dIn = config.dIn();
        this.architecture = config.architecture();
        this.normalization = config.normalizeActivations();
        boolean allLatents = !architecture.latentsIndependent();
        this.dSae = allLatents ? config.dSae() : 1;
        this.inputShift = new double[dIn];
        if (config.applyBDecToInput()) {
            float[] bDec = weights.decoderBias();
            for (int i = 0; i < dIn; i++) {
                inputShift[i] = bDec[i];
            }
        }
        this.encoder = allLatents ? weights.encoderWeights() : weights.encoderColumn(latent);
        this.encoderBias = allLatents ? weights.encoderBias() : new float[] {weights.encoderBias(latent)};
        this.decoderNorms = new double[dSae];
        for (int j = 0; j < dSae; j++) {
            double squares = 0;
            for (float v : weights.decoderRow(allLatents ? j : latent)) {
                squares += (double) v * v;
            }
            decoderNorms[j] = architecture.scalesByDecoderNorm() ? Math.sqrt(squares) : 1.0;
        }
        this.thresholds = weights.threshold()
                .map(all -> allLatents ? all : new float[] {all[latent]}).orElse(null);
    }

    /** The probe for {@code latent} of the SAE {@code weights}. */
    public static LatentProbe of(SaeWeights weights, int latent) {
        return new LatentProbe(weights, latent);
    }

    /**
     * A probe of a standard ReLU SAE's latent from its parts: {@code ReLU((x − b_dec) · column + bias)}.
     */
    public static LatentProbe standard(float[] encoderColumn, float encoderBias, float[] decoderBias) {
        if (encoderColumn.length == 0 || encoderColumn.length != decoderBias.length) {
            throw new IllegalArgumentException("encoder column (" + encoderColumn.length + ") and decoder bias ("
                    + decoderBias.length + ") must have the same positive length");
        }
        int dIn = encoderColumn.length;
        float[] decoder = new float[dIn];
        decoder[0] = 1f;
        return new LatentProbe(new SaeWeights(SaeConfig.of(dIn, 1, new StandardArchitecture(), "", ""),
                encoderColumn.clone(), new float[] {encoderBias}, decoder, decoderBias.clone()), 0);
    }

    public int dIn() {
        return dIn;
    }

    /** The latent's activation on the row {@code rows[offset, offset + dIn)}; accumulated in double. */
    public float activation(float[] rows, int offset) {
        double[] x = normalization.normalizeRow(rows, offset, dIn);
        double[] pre = new double[dSae];
        for (int j = 0; j < dSae; j++) {
            pre[j] = encoderBias[j];
        }
        for (int i = 0; i < dIn; i++) {
            double centred = x[i] - inputShift[i];
            int row = i * dSae;
            for (int j = 0; j < dSae; j++) {
                pre[j] += centred * encoder[row + j];
            }
        }
        for (int j = 0; j < dSae; j++) {
            pre[j] *= decoderNorms[j];
        }
        int entry = dSae == 1 ? 0 : latent;
        return thresholds == null ? architecture.latentActivation(pre, entry)
                : architecture.latentActivation(pre, entry, thresholds[entry]);
    }
}
