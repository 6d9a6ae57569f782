package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** TopK SAE: per token only the k largest pre-activations survive (then ReLU); sparse by construction. */
public record TopKArchitecture(int k) implements SaeArchitecture {

    public static final String NAME = "topk";

    public TopKArchitecture {
        if (k < 1) {
            throw new IllegalArgumentException("topk architecture needs k >= 1, was " + k);
        }
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
    }
}
