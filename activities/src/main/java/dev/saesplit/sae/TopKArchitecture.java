package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * TopK SAE: per token only the k largest pre-activations survive (then ReLU); sparse by construction. With
 * {@code rescale_acts_by_decoder_norm} (SAELens), pre-activations are multiplied by their decoder row's norm before
 * the selection and latents divided by it before decoding; the trainer here trains without it.
 */
public record TopKArchitecture(int k, boolean rescaleActsByDecoderNorm) implements SaeArchitecture {

    public static final String NAME = "topk";

    public TopKArchitecture {
        if (k < 1) {
            throw new IllegalArgumentException("topk architecture needs k >= 1, was " + k);
        }
    }

    /** Without decoder-norm rescaling, as the trainer trains it. */
    public TopKArchitecture(int k) {
        this(k, false);
    }

    @Override
    public boolean scalesByDecoderNorm() {
        return rescaleActsByDecoderNorm;
    }

    @Override
    public boolean latentsIndependent() {
        return false;
    }

    @Override
    public float latentActivation(double[] preActivations, int latent) {
        double value = preActivations[latent];
        if (!(value > 0)) {
            return 0f;
        }
        int larger = 0;
        for (double other : preActivations) {
            if (other > value && ++larger >= k) {
                return 0f;
            }
        }
        return (float) value;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray activate(NDArray preActivations) {
        int keep = (int) Math.min(k, preActivations.getShape().get(1));
        NDList top = preActivations.topK(keep, 1, true, false);
        try (NDArray values = top.get(0); NDArray indices = top.get(1);
             NDArray positiveValues = values.maximum(0f); NDArray zeros = preActivations.zerosLike()) {
            NDArray latents = zeros.scatter(indices, positiveValues, 1);
            preActivations.close();
            return latents;
        }
    }

    @Override
    public boolean usesSparsityPenalty() {
        return false;
    }

    @Override
    public void writeConfigFields(ObjectNode cfg) {
        cfg.put("k", k);
        cfg.put("rescale_acts_by_decoder_norm", rescaleActsByDecoderNorm);
    }
}
