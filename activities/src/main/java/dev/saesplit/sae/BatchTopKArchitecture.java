package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * SAELens's BatchTopK SAE while it trains: of the ReLU'd pre-activations of a whole batch, the {@code k · tokens}
 * largest survive, so k is the average number of active latents per token (a float). With
 * {@code rescale_acts_by_decoder_norm} (SAELens's training default) pre-activations are multiplied by their decoder
 * row's norm before the selection and latents divided by it before decoding. Trained, it is saved as a
 * {@link JumpReLUArchitecture} SAE whose threshold is the running estimate of the smallest kept activation
 * ({@code topk_threshold}), as SAELens saves it.
 *
 * @param k                      average active latents per token
 * @param rescaleActsByDecoderNorm SAELens's {@code rescale_acts_by_decoder_norm}
 * @param topkThresholdLr        rate of the threshold's exponential moving average ({@code topk_threshold_lr})
 * @param auxLossCoefficient     weight of the AuxK loss that revives dead latents ({@code aux_loss_coefficient})
 */
public record BatchTopKArchitecture(double k, boolean rescaleActsByDecoderNorm, double topkThresholdLr,
                                    double auxLossCoefficient) implements SelectingArchitecture {

    public static final String NAME = "batchtopk";
    public static final double DEFAULT_TOPK_THRESHOLD_LR = 0.01;
    public static final double DEFAULT_AUX_LOSS_COEFFICIENT = 1.0;

    public BatchTopKArchitecture {
        if (!(k > 0) || !Double.isFinite(k)) {
            throw new IllegalArgumentException("batchtopk needs k > 0 (average active latents per token), was " + k);
        }
        if (!(topkThresholdLr >= 0 && topkThresholdLr <= 1)) {
            throw new IllegalArgumentException("topk_threshold_lr must lie in [0, 1], was " + topkThresholdLr);
        }
        if (!(auxLossCoefficient >= 0) || !Double.isFinite(auxLossCoefficient)) {
            throw new IllegalArgumentException("aux_loss_coefficient must be >= 0, was " + auxLossCoefficient);
        }
    }

    /** SAELens's training defaults: decoder-norm rescaling on, threshold rate 0.01, AuxK coefficient 1. */
    public BatchTopKArchitecture(double k) {
        this(k, true, DEFAULT_TOPK_THRESHOLD_LR, DEFAULT_AUX_LOSS_COEFFICIENT);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Latents kept for a batch of {@code tokens}: SAELens's {@code int(k · tokens)}. */
    public int kept(long tokens) {
        return (int) (k * tokens);
    }

    /** The batch's {@code int(k · tokens)} largest ReLU'd pre-activations, the rest 0 (SAELens's {@code BatchTopK}). */
    @Override
    public NDArray activate(NDArray preActivations) {
        try (NDArray relu = Activation.relu(preActivations); NDArray flat = relu.reshape(-1)) {
            int keep = (int) Math.min(kept(preActivations.getShape().get(0)), flat.size());
            NDList top = flat.topK(keep, 0, true, false);
            try (NDArray values = top.get(0); NDArray indices = top.get(1); NDArray zeros = flat.zerosLike();
                 NDArray scattered = zeros.scatter(indices, values, 0)) {
                NDArray latents = scattered.reshape(preActivations.getShape());
                preActivations.close();
                return latents;
            }
        }
    }

    /** One token as a batch of one: its {@code int(k)} largest positive pre-activations. */
    @Override
    public float latentActivation(double[] preActivations, int latent) {
        return TopKArchitecture.amongLargest(preActivations, latent, kept(1));
    }

    @Override
    public void writeConfigFields(ObjectNode cfg) {
        cfg.put("k", k);
        cfg.put("rescale_acts_by_decoder_norm", rescaleActsByDecoderNorm);
        cfg.put("topk_threshold_lr", topkThresholdLr);
        cfg.put("aux_loss_coefficient", auxLossCoefficient);
    }
}
