package dev.saesplit.sae;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * An SAE's parameters on the host, in SAELens layout and row-major order: {@code W_enc [d_in, d_sae]},
 * {@code b_enc [d_sae]}, {@code W_dec [d_sae, d_in]}, {@code b_dec [d_in]}, and {@code threshold [d_sae]} for an
 * architecture that has one (JumpReLU). Immutable: the constructor copies
 * nothing (it takes ownership of the arrays), every accessor returns a copy.
 */
public final class SaeWeights {

    private final SaeConfig config;
    private final float[] encoderWeights;
    private final float[] encoderBias;
    private final float[] decoderWeights;
    private final float[] decoderBias;
    /** Per-latent thresholds where the architecture has them, else null. */
    private final float[] threshold;

    /**
     * Weights of an architecture without thresholds; for one with thresholds (JumpReLU) every latent gets the
     * architecture's initial threshold, as a JumpReLU SAE starts training.
     */
    public SaeWeights(SaeConfig config, float[] encoderWeights, float[] encoderBias, float[] decoderWeights,
                      float[] decoderBias) {
        this(config, encoderWeights, encoderBias, decoderWeights, decoderBias, initialThreshold(config));
    }

    /** @param threshold {@code [d_sae]} where the architecture has thresholds, else null */
    public SaeWeights(SaeConfig config, float[] encoderWeights, float[] encoderBias, float[] decoderWeights,
                      float[] decoderBias, float[] threshold) {
        this.config = Objects.requireNonNull(config, "config");
        int dIn = config.dIn();
        int dSae = config.dSae();
        this.encoderWeights = requireLength("W_enc", encoderWeights, (long) dIn * dSae);
        this.encoderBias = requireLength("b_enc", encoderBias, dSae);
        this.decoderWeights = requireLength("W_dec", decoderWeights, (long) dSae * dIn);
        this.decoderBias = requireLength("b_dec", decoderBias, dIn);
        if (config.architecture().hasThreshold()) {
            this.threshold = requireLength("threshold", threshold, dSae);
        } else if (threshold != null) {
            throw new IllegalArgumentException(config.architecture().name() + " SAEs have no threshold");
        } else {
            this.threshold = null;
        }
    }

    private static float[] initialThreshold(SaeConfig config) {
        if (!(config.architecture() instanceof JumpReLUArchitecture jumpReLU)) {
            return null;
        }
        float[] threshold = new float[config.dSae()];
        Arrays.fill(threshold, (float) jumpReLU.initThreshold());
        return threshold;
    }

    private static float[] requireLength(String name, float[] values, long expected) {
        Objects.requireNonNull(values, name);
        if (values.length != expected) {
            throw new IllegalArgumentException(name + " holds " + values.length + " values, expected " + expected);
        }
        return values;
    }

    public SaeConfig config() {
        return config;
    }

    public int dIn() {
        return config.dIn();
    }

    public int dSae() {
        return config.dSae();
    }

    /** {@code W_enc [d_in, d_sae]}, row-major. */
    public float[] encoderWeights() {
        return encoderWeights.clone();
    }

    /** {@code b_enc [d_sae]}. */
    public float[] encoderBias() {
        return encoderBias.clone();
    }

    /** {@code W_dec [d_sae, d_in]}, row-major. */
    public float[] decoderWeights() {
        return decoderWeights.clone();
    }

    /** {@code b_dec [d_in]}. */
    public float[] decoderBias() {
        return decoderBias.clone();
    }

    /** {@code threshold [d_sae]}, for an architecture that has one (JumpReLU). */
    public Optional<float[]> threshold() {
        return Optional.ofNullable(threshold).map(float[]::clone);
    }

    /** The encoder direction of one latent: column {@code latent} of {@code W_enc}, {@code d_in} values. */
    public float[] encoderColumn(int latent) {
        checkLatent(latent);
        int dIn = dIn();
        int dSae = dSae();
        float[] column = new float[dIn];
        for (int i = 0; i < dIn; i++) {
            column[i] = encoderWeights[i * dSae + latent];
        }
        return column;
    }

    /** One latent's {@code b_enc} entry. */
    public float encoderBias(int latent) {
        checkLatent(latent);
        return encoderBias[latent];
    }

    /** The decoder direction of one latent: row {@code latent} of {@code W_dec}, {@code d_in} values. */
    public float[] decoderRow(int latent) {
        checkLatent(latent);
        int dIn = dIn();
        return Arrays.copyOfRange(decoderWeights, latent * dIn, (latent + 1) * dIn);
    }

    private void checkLatent(int latent) {
        if (latent < 0 || latent >= dSae()) {
            throw new IndexOutOfBoundsException("latent " + latent + " outside [0, " + dSae() + ")");
        }
    }

    /**
     * A copy in which {@code latent} can never fire: its encoder column and bias are zero, so its pre-activation is
     * 0 and no architecture counts it active. What a latent forced to zero in training is, saved as such.
     */
    public SaeWeights withLatentDisabled(int latent) {
        checkLatent(latent);
        float[] encoder = encoderWeights();
        for (int i = 0; i < dIn(); i++) {
            encoder[i * dSae() + latent] = 0f;
        }
        float[] bias = encoderBias();
        bias[latent] = 0f;
        return new SaeWeights(config(), encoder, bias, decoderWeights(), decoderBias(), threshold().orElse(null));
    }

    /**
     * For an architecture that scales pre-activations by decoder norms (TopK {@code rescale_acts_by_decoder_norm}),
     * the same SAE with those norms folded into the weights (SAELens's {@code fold_W_dec_norm}): encoder column and
     * bias of latent j times ‖W_dec[j]‖, decoder row j divided by it, the scaling switched off. It encodes and
     * decodes identically, and is what the trainer (which trains without the scaling) can start from.
     */
    public SaeWeights withDecoderNormsFolded() {
        if (!(config.architecture() instanceof TopKArchitecture topK) || !topK.rescaleActsByDecoderNorm()) {
            return this;
        }
        int dIn = dIn();
        int dSae = dSae();
        float[] encoder = encoderWeights();
        float[] bias = encoderBias();
        float[] decoder = decoderWeights();
        for (int j = 0; j < dSae; j++) {
            double squares = 0;
            for (int i = 0; i < dIn; i++) {
                squares += (double) decoder[j * dIn + i] * decoder[j * dIn + i];
            }
            double norm = Math.sqrt(squares);
            if (norm == 0) {
                continue; // a latent with no decoder direction contributes nothing either way
            }
            for (int i = 0; i < dIn; i++) {
                encoder[i * dSae + j] *= (float) norm;
                decoder[j * dIn + i] /= (float) norm;
            }
            bias[j] *= (float) norm;
        }
        SaeConfig folded = new SaeConfig(dIn, dSae, new TopKArchitecture(topK.k()), config.modelName(),
                config.hookName(), config.applyBDecToInput(), config.normalizeActivations(), config.dtype(),
                config.device());
        return new SaeWeights(folded, encoder, bias, decoder, decoderBias());
    }

    /** Whether both hold the same configuration and bit-identical parameters. */
    public boolean bitwiseEquals(SaeWeights other) {
        return config.equals(other.config)
                && Arrays.equals(encoderWeights, other.encoderWeights)
                && Arrays.equals(encoderBias, other.encoderBias)
                && Arrays.equals(decoderWeights, other.decoderWeights)
                && Arrays.equals(decoderBias, other.decoderBias)
                && Arrays.equals(threshold, other.threshold);
    }
}
