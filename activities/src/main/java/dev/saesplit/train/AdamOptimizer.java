package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Adam over the four SAE parameters, updated in place by the engine's fused kernel (one native call per
 * parameter; the weight, both moments and the gradient are touched once each). Gradient-norm clipping is
 * folded into the kernel's gradient rescale factor. The update equals PyTorch's {@code torch.optim.Adam}, which
 * SAELens uses: lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε). The kernel adds its ε to the uncorrected √v, so it is given
 * the step size lr·√(1−β2ᵗ)/(1−β1ᵗ) and ε·√(1−β2ᵗ), which is the same expression multiplied through.
 */
final class AdamOptimizer {

    private static final String[] NAMES = {SaeLensFormat.W_ENC, SaeLensFormat.B_ENC, SaeLensFormat.W_DEC,
            SaeLensFormat.B_DEC};
    private static final String FIRST_MOMENT = ".exp_avg";
    private static final String SECOND_MOMENT = ".exp_avg_sq";

    private final AdamSettings settings;
    private final NDArray[] parameters;
    private final NDArray[] firstMoments = new NDArray[4];
    private final NDArray[] secondMoments = new NDArray[4];
    private final NDList[] kernelInputs = new NDList[4];
    private final NDList[] kernelWeights = new NDList[4];
    private long updates;

    AdamOptimizer(SparseAutoencoder sae, AdamSettings settings) {
        this.settings = settings;
        this.parameters = new NDArray[] {sae.encoderWeights(), sae.encoderBias(), sae.decoderWeights(),
                sae.decoderBias()};
        NDManager manager = sae.manager();
        for (int i = 0; i < 4; i++) {
            firstMoments[i] = manager.zeros(parameters[i].getShape());
            secondMoments[i] = manager.zeros(parameters[i].getShape());
            // Reused every step; slot 1 is replaced by that step's gradient.
            kernelInputs[i] = new NDList(parameters[i], parameters[i], firstMoments[i], secondMoments[i]);
            kernelWeights[i] = new NDList(parameters[i]);
        }
    }

    /** Applies one update with learning rate {@code learningRate}, every gradient multiplied by {@code gradientScale}. */
    void update(Gradients gradients, double learningRate, double gradientScale) {
        updates++;
        double secondMomentCorrection = Math.sqrt(1 - Math.pow(settings.beta2(), updates));
        double correction = secondMomentCorrection / (1 - Math.pow(settings.beta1(), updates));
        float epsilon = (float) (settings.epsilon() * secondMomentCorrection);
        for (int i = 0; i < 4; i++) {
            kernelInputs[i].set(1, gradients.get(i));
            parameters[i].getNDArrayInternal().adamUpdate(kernelInputs[i], kernelWeights[i], (float) learningRate,
                    (float) (learningRate * correction), 0f, (float) gradientScale, -1f, (float) settings.beta1(),
                    (float) settings.beta2(), epsilon, false, false);
            kernelInputs[i].set(1, parameters[i]);
        }
    }

    /**
     * Forgets the moments of latents whose {@code keep} entry is 0 (resampled latents start their statistics
     * afresh). {@code keepRow} is {@code [1, d_sae]}, {@code keepColumn} {@code [d_sae, 1]}.
     */
    void resetLatents(NDArray keep, NDArray keepRow, NDArray keepColumn) {
        NDArray[] masks = {keepRow, keep, keepColumn, null};
        for (int i = 0; i < 3; i++) {
            firstMoments[i].muli(masks[i]);
            secondMoments[i].muli(masks[i]);
        }
    }

    long updates() {
        return updates;
    }

    /** The moments, named {@code <parameter>.exp_avg} and {@code <parameter>.exp_avg_sq}. */
    List<NamedTensor> exportMoments() {
        List<NamedTensor> tensors = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tensors.add(new NamedTensor(NAMES[i] + FIRST_MOMENT, firstMoments[i].getShape().getShape(),
                    firstMoments[i].toFloatArray()));
            tensors.add(new NamedTensor(NAMES[i] + SECOND_MOMENT, secondMoments[i].getShape().getShape(),
                    secondMoments[i].toFloatArray()));
        }
        return tensors;
    }

    /** Restores moments written by {@link #exportMoments} and the update count they belong to. */
    void restore(StoredTensors moments, long updateCount) {
        for (int i = 0; i < 4; i++) {
            firstMoments[i].set(moments.require(NAMES[i] + FIRST_MOMENT, firstMoments[i].getShape()));
            secondMoments[i].set(moments.require(NAMES[i] + SECOND_MOMENT, secondMoments[i].getShape()));
        }
        this.updates = updateCount;
    }
}
