package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Optional;

/**
 * An SAE's parameters on a device, with its forward pass. The trainer updates these arrays in place; other
 * code reads through {@link #encode}, {@link #decode} and {@link #download}.
 */
public final class SparseAutoencoder implements AutoCloseable {

    private static final int[] FEATURE_AXIS = {1};
    /** A decoder row's norm is taken as at least this where it divides, so a zero row stays finite. */
    private static final float MIN_DECODER_NORM = 1e-12f;

    private final SaeConfig config;
    private final NDManager manager;
    private final NDArray encoderWeights;
    private final NDArray encoderBias;
    private final NDArray decoderWeights;
    private final NDArray decoderBias;
    /** {@code threshold [d_sae]} where the architecture has one, else null. */
    private final NDArray threshold;

    private SparseAutoencoder(SaeConfig config, NDManager manager, NDArray encoderWeights, NDArray encoderBias,
                              NDArray decoderWeights, NDArray decoderBias, NDArray threshold) {
        this.config = config;
        this.manager = manager;
        this.encoderWeights = encoderWeights;
        this.encoderBias = encoderBias;
        this.decoderWeights = decoderWeights;
        this.decoderBias = decoderBias;
        this.threshold = threshold;
    }

    /** Copies {@code weights} into a new sub-manager of {@code parent}, on {@code parent}'s device. */
    public static SparseAutoencoder upload(SaeWeights weights, NDManager parent) {
        SaeConfig config = weights.config();
        long dIn = config.dIn();
        long dSae = config.dSae();
        NDManager manager = parent.newSubManager();
        return new SparseAutoencoder(config, manager,
                manager.create(weights.encoderWeights(), new Shape(dIn, dSae)),
                manager.create(weights.encoderBias(), new Shape(dSae)),
                manager.create(weights.decoderWeights(), new Shape(dSae, dIn)),
                manager.create(weights.decoderBias(), new Shape(dIn)),
                weights.threshold().map(t -> manager.create(t, new Shape(dSae))).orElse(null));
    }

    public SaeConfig config() {
        return config;
    }

    /** The manager that owns the parameters; arrays that must live as long as this SAE belong here. */
    public NDManager manager() {
        return manager;
    }

    /** {@code W_enc [d_in, d_sae]}, updated in place by training. */
    public NDArray encoderWeights() {
        return encoderWeights;
    }

    /** {@code b_enc [d_sae]}. */
    public NDArray encoderBias() {
        return encoderBias;
    }

    /** {@code W_dec [d_sae, d_in]}. */
    public NDArray decoderWeights() {
        return decoderWeights;
    }

    /** {@code b_dec [d_in]}. */
    public NDArray decoderBias() {
        return decoderBias;
    }

    /** {@code threshold [d_sae]} for an architecture with per-latent thresholds (JumpReLU), updated in place. */
    public Optional<NDArray> threshold() {
        return Optional.ofNullable(threshold);
    }

    /**
     * Each decoder row's L2 norm {@code [d_sae]}, clamped away from zero so it can divide: the weights of the
     * decoder-norm-weighted L1 penalty, as in SAELens.
     */
    public NDArray clampedDecoderNorms() {
        return decoderWeights.norm(FEATURE_AXIS).maximum(MIN_DECODER_NORM);
    }

    /** Scales every decoder row to unit norm, in place; a zero row stays zero. */
    public void normalizeDecoderRows() {
        try (NDScope ignored = new NDScope()) {
            decoderWeights.divi(decoderWeights.norm(FEATURE_AXIS, true).maximum(MIN_DECODER_NORM));
        }
    }

    /**
     * Latents {@code [tokens, d_sae]} for activations {@code x [tokens, d_in]}, as SAELens 6's {@code encode}:
     * the row normalisation of {@code normalize_activations}, minus {@code b_dec} if {@code apply_b_dec_to_input},
     * through the encoder, scaled by decoder norms where the architecture asks, then the architecture's activation.
     */
    public NDArray encode(NDArray x) {
        requireWidth(x, config.dIn(), "activations");
        NDArray normalized = config.normalizeActivations().normalize(x);
        NDArray pre;
        if (config.applyBDecToInput()) {
            try (NDArray centered = normalized.sub(decoderBias)) {
                pre = centered.matMul(encoderWeights);
            }
        } else {
            pre = normalized.matMul(encoderWeights);
        }
        if (normalized != x) {
            normalized.close();
        }
        pre.addi(encoderBias);
        if (config.architecture().scalesByDecoderNorm()) {
            try (NDArray norms = decoderWeights.norm(new int[] {1})) {
                pre.muli(norms);
            }
        }
        return config.architecture().activate(pre, threshold);
    }

    /**
     * Reconstruction {@code [tokens, d_in]} of latents {@code f [tokens, d_sae]}, in the space the encoder saw:
     * for an SAE that normalises rows at run time, {@link #reconstruct} also undoes the normalisation.
     */
    public NDArray decode(NDArray latents) {
        requireWidth(latents, config.dSae(), "latents");
        if (config.architecture().scalesByDecoderNorm()) {
            try (NDArray norms = decoderWeights.norm(new int[] {1}); NDArray scaled = latents.div(norms)) {
                return scaled.matMul(decoderWeights).addi(decoderBias);
            }
        }
        return latents.matMul(decoderWeights).addi(decoderBias);
    }

    /** {@code decode(encode(x))}, mapped back to the scale of {@code x} where the SAE normalised it. */
    public NDArray reconstruct(NDArray x) {
        try (NDArray latents = encode(x)) {
            NDArray decoded = decode(latents);
            return config.normalizeActivations().rescalesRows()
                    ? config.normalizeActivations().denormalize(decoded, x) : decoded;
        }
    }

    /** Copies the current parameters to the host. */
    public SaeWeights download() {
        return new SaeWeights(config, encoderWeights.toFloatArray(), encoderBias.toFloatArray(),
                decoderWeights.toFloatArray(), decoderBias.toFloatArray(),
                threshold == null ? null : threshold.toFloatArray());
    }

    private static void requireWidth(NDArray array, int width, String what) {
        Shape shape = array.getShape();
        if (shape.dimension() != 2 || shape.get(1) != width) {
            throw new IllegalArgumentException(what + " have shape " + shape + "; expected [tokens, " + width + "]");
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
