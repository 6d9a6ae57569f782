package dev.saesplit.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.safetensors.NamedTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam over named parameters, as PyTorch's {@code torch.optim.Adam}: lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε), applied
 * in place by the engine's fused kernel, which adds its ε to the uncorrected √v, so it is given the step size
 * lr·√(1−β2ᵗ)/(1−β1ᵗ) and ε·√(1−β2ᵗ), the same expression multiplied through. Global gradient-norm clipping
 * is folded into the kernel's gradient rescale factor. The moments export and restore bit for bit.
 */
final class ParameterAdam {

    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPSILON = 1e-8;
    private static final String FIRST_MOMENT = ".exp_avg";
    private static final String SECOND_MOMENT = ".exp_avg_sq";

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long updates;

    /** Moments live in {@code manager}, beside the parameters. */
    ParameterAdam(Map<String, NDArray> parameters, NDManager manager) {
        this.parameters = parameters;
        parameters.forEach((name, p) -> {
            first.put(name, manager.zeros(p.getShape()));
            second.put(name, manager.zeros(p.getShape()));
        });
    }

    /**
     * One update from {@code gradients} (by parameter name), all scaled by {@code min(1, clip / global norm)};
     * returns the global norm before clipping.
     */
    double update(Map<String, NDArray> gradients, double learningRate, double clip) {
        NDList squares = new NDList(gradients.size());
        gradients.values().forEach(g -> squares.add(g.square().sum()));
        double norm;
        try (NDArray total = NDArrays.stack(squares).sum()) {
            norm = Math.sqrt(total.getFloat()); // one device sync per step, not one per parameter
        } finally {
            squares.close();
        }
        double scale = norm > clip ? clip / norm : 1;
        updates++;
        double secondCorrection = Math.sqrt(1 - Math.pow(BETA2, updates));
        double stepSize = learningRate * secondCorrection / (1 - Math.pow(BETA1, updates));
        float epsilon = (float) (EPSILON * secondCorrection);
        for (Map.Entry<String, NDArray> entry : parameters.entrySet()) {
            String name = entry.getKey();
            NDArray p = entry.getValue();
            p.getNDArrayInternal().adamUpdate(new NDList(p, gradients.get(name), first.get(name), second.get(name)),
                    new NDList(p), (float) learningRate, (float) stepSize, 0f, (float) scale, -1f, (float) BETA1,
                    (float) BETA2, epsilon, false, false);
        }
        return norm;
    }

    long updates() {
        return updates;
    }

    /** The moments, named {@code <parameter>.exp_avg} and {@code <parameter>.exp_avg_sq}. */
    List<NamedTensor> exportMoments() {
        List<NamedTensor> tensors = new ArrayList<>();
        parameters.keySet().forEach(name -> {
            tensors.add(named(name + FIRST_MOMENT, first.get(name)));
            tensors.add(named(name + SECOND_MOMENT, second.get(name)));
        });
        return tensors;
    }

    /** Restores moments written by {@link #exportMoments} and the update count they belong to. */
    void restore(Map<String, float[]> moments, long updateCount) {
        parameters.keySet().forEach(name -> {
            first.get(name).set(moments.get(name + FIRST_MOMENT));
            second.get(name).set(moments.get(name + SECOND_MOMENT));
        });
        updates = updateCount;
    }

    private static NamedTensor named(String name, NDArray array) {
        return new NamedTensor(name, array.getShape().getShape(), array.toFloatArray());
    }
}
