package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.SparseAutoencoder;

/**
 * JumpReLU training as SAELens's {@code JumpReLUTrainingSAE} does it with the {@code step} sparsity loss: f = pre ·
 * (pre > θ) with θ a trained float32 parameter, projected onto θ ≥ 0 before every step; the L0 loss
 * λ · mean_b Σ_j H(pre_bj − θ_j), λ being the trainer's sparsity coefficient with its warm-up (SAELens's
 * {@code l0_coefficient} and {@code l0_warm_up_steps}); and the straight-through estimators of {@code JumpReLU} and
 * {@code Step} with the rectangle kernel of width ε ({@code jumprelu_bandwidth}): ∂/∂θ_j = −Σ_b (θ_j/ε) K ∂L/∂f_bj for
 * the activation and −Σ_b (1/ε) K λ/B for the L0 term, K = 1 where |pre − θ| < ε/2. With
 * {@code jumprelu_ste_to_input} the pre-activations get the negation of those terms as well. SAELens's
 * {@code pre_act_loss_coefficient} (off by default) is not offered.
 */
final class JumpReLUTraining implements ArchitectureTraining {

    private static final int[] TOKEN_AXIS = {0};

    private final JumpReLUArchitecture architecture;

    JumpReLUTraining(JumpReLUArchitecture architecture) {
        this.architecture = architecture;
    }

    /** SAELens's {@code threshold.data.clamp_(min=0.0)} before the step's forward pass. */
    @Override
    public void beforeStep(FiringTracker firing, SparseAutoencoder sae) {
        NDArray threshold = sae.threshold().orElseThrow();
        float[] values = threshold.toFloatArray();
        boolean negative = false;
        for (int j = 0; j < values.length; j++) {
            if (values[j] < 0) {
                values[j] = 0f;
                negative = true;
            }
        }
        if (negative) {
            threshold.set(values);
        }
    }

    @Override
    public NDArray activate(NDArray pre, SparseAutoencoder sae) {
        NDArray above = pre.gt(sae.threshold().orElseThrow()).toType(DataType.FLOAT32, false);
        return pre.mul(above);
    }

    @Override
    public void addTerms(DenseTerms step) {
        NDArray threshold = step.sae.threshold().orElseThrow();
        float bandwidth = (float) architecture.bandwidth();
        NDArray distance = step.pre.sub(threshold).divi(bandwidth);
        NDArray kernel = distance.gt(-0.5f).logicalAnd(distance.lt(0.5f)).toType(DataType.FLOAT32, false);
        // per pair: (θ/ε) K ∂L/∂f + (1/ε) K λ/B, the estimators' gradient with respect to (pre − θ)
        NDArray estimator = step.latentGradient.mul(threshold.div(bandwidth))
                .addi((float) (step.sparsityCoefficient / step.batchSize / bandwidth)).muli(kernel);
        step.thresholdGradient = estimator.sum(TOKEN_AXIS).negi();
        if (architecture.steToInput()) {
            step.addPreGradient(estimator);
        }
    }
}
