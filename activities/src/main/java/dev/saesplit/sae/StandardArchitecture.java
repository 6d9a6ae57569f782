package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The ReLU SAE: f = ReLU(W_enc (x − b_dec) + b_enc), sparse through the L1 penalty. */
public record StandardArchitecture() implements SaeArchitecture {

    public static final String NAME = "standard";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray activate(NDArray preActivations) {
        // A fresh output measured faster than any in-place route DJL offers (mask multiply, masked fill).
        NDArray latents = Activation.relu(preActivations);
        preActivations.close();
        return latents;
    }

    @Override
    public boolean activatesByRelu() {
        return true;
    }

    @Override
    public float latentActivation(double[] preActivations, int latent) {
        return preActivations[latent] > 0 ? (float) preActivations[latent] : 0f;
    }

    @Override
    public boolean usesSparsityPenalty() {
        return true;
    }

    @Override
    public void writeConfigFields(ObjectNode cfg) {
        // The standard architecture adds no fields.
    }
}
