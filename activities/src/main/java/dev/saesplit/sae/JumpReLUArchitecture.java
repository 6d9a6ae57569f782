package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SAELens's JumpReLU SAE: a latent fires where its pre-activation exceeds its own threshold, with the pre-activation
 * as value ({@code ReLU(pre) · (pre > threshold)}, as SAELens's {@code JumpReLUSAE.encode}). The thresholds are a
 * {@code threshold [d_sae]} tensor of the weights. BatchTopK and Matryoshka BatchTopK SAEs are saved in this form.
 *
 * <p>The training settings are SAELens's {@code JumpReLUTrainingSAEConfig} fields: the threshold each latent starts
 * from ({@code jumprelu_init_threshold}), the width of the rectangle kernel of the straight-through estimator
 * ({@code jumprelu_bandwidth}) and whether that estimator also reaches the pre-activations
 * ({@code jumprelu_ste_to_input}). They do not change the encoder; SAELens ignores them when it loads the file.
 */
public record JumpReLUArchitecture(double initThreshold, double bandwidth, boolean steToInput)
        implements SaeArchitecture {

    public static final String NAME = "jumprelu";
    public static final double DEFAULT_INIT_THRESHOLD = 0.01;
    public static final double DEFAULT_BANDWIDTH = 0.05;

    public JumpReLUArchitecture {
        if (!(initThreshold >= 0) || !Double.isFinite(initThreshold)) {
            throw new IllegalArgumentException("jumprelu_init_threshold must be a finite number >= 0, was "
                    + initThreshold);
        }
        if (!(bandwidth > 0) || !Double.isFinite(bandwidth)) {
            throw new IllegalArgumentException("jumprelu_bandwidth must be a finite number > 0, was " + bandwidth);
        }
    }

    /** With SAELens's defaults: threshold 0.01, bandwidth 0.05, the estimator to the threshold alone (DeepMind). */
    public JumpReLUArchitecture() {
        this(DEFAULT_INIT_THRESHOLD, DEFAULT_BANDWIDTH, false);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean hasThreshold() {
        return true;
    }

    @Override
    public NDArray activate(NDArray preActivations) {
        throw new IllegalStateException("a jumprelu SAE activates with its thresholds");
    }

    @Override
    public NDArray activate(NDArray preActivations, NDArray thresholds) {
        try (NDArray above = preActivations.gt(thresholds); NDArray mask = above.toType(DataType.FLOAT32, false)) {
            NDArray latents = Activation.relu(preActivations).muli(mask);
            preActivations.close();
            return latents;
        }
    }

    @Override
    public float latentActivation(double[] preActivations, int latent) {
        throw new IllegalStateException("a jumprelu SAE activates with its thresholds");
    }

    @Override
    public float latentActivation(double[] preActivations, int latent, float threshold) {
        double value = preActivations[latent];
        return value > threshold && value > 0 ? (float) value : 0f;
    }

    @Override
    public boolean usesSparsityPenalty() {
        return false;
    }

    @Override
    public void writeConfigFields(ObjectNode cfg) {
        cfg.put("jumprelu_init_threshold", initThreshold);
        cfg.put("jumprelu_bandwidth", bandwidth);
        cfg.put("jumprelu_ste_to_input", steToInput);
    }
}
