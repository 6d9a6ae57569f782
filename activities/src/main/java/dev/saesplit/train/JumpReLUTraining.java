package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.SparseAutoencoder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

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
final class JumpReLUTraining implements PairSelectingTraining {

    private static final int[] TOKEN_AXIS = {0};

    private final JumpReLUArchitecture architecture;
    /** The thresholds the last {@link #selectPairs} read, for its band's terms. */
    private float[] thresholds;

    JumpReLUTraining(JumpReLUArchitecture architecture) {
        this.architecture = architecture;
    }

    /**
     * Firing pairs where pre > θ, value pre; the band's pairs where |pre − θ| < ε/2, computed as the dense step
     * computes them. Both read off the pre-activations in place, a chunk of tokens per task; false where together
     * they are more than {@code maxPairs}.
     */
    @Override
    public boolean selectPairs(NDArray pre, SparseAutoencoder sae, ActiveLatents firing, ActiveLatents extra,
                               long maxPairs, int excluded) {
        int tokens = (int) pre.getShape().get(0);
        int dSae = (int) pre.getShape().get(1);
        float[] threshold = sae.threshold().orElseThrow().toFloatArray();
        float bandwidth = (float) architecture.bandwidth();
        FloatBuffer view = pre.toByteBuffer(true).asFloatBuffer();
        int[] firingCounts = new int[tokens + 1];
        int[] bandCounts = new int[tokens + 1];
        IntStream.range(0, tokens).parallel().forEach(b -> {
            for (int j = 0; j < dSae; j++) {
                float value = view.get(b * dSae + j);
                firingCounts[b + 1] += value > threshold[j] ? 1 : 0;
                bandCounts[b + 1] += inBand(value, threshold[j], bandwidth) ? 1 : 0;
            }
        });
        for (int b = 0; b < tokens; b++) {
            firingCounts[b + 1] += firingCounts[b];
            bandCounts[b + 1] += bandCounts[b];
        }
        if ((long) firingCounts[tokens] + bandCounts[tokens] > maxPairs) {
            return false;
        }
        int[] firingTokens = new int[firingCounts[tokens]];
        int[] firingLatents = new int[firingTokens.length];
        float[] firingValues = new float[firingTokens.length];
        int[] bandTokens = new int[bandCounts[tokens]];
        int[] bandLatents = new int[bandTokens.length];
        IntStream.range(0, tokens).parallel().forEach(b -> {
            int f = firingCounts[b];
            int k = bandCounts[b];
            for (int j = 0; j < dSae; j++) {
                float value = view.get(b * dSae + j);
                if (value > threshold[j]) {
                    firingTokens[f] = b;
                    firingLatents[f] = j;
                    firingValues[f++] = value;
                }
                if (inBand(value, threshold[j], bandwidth)) {
                    bandTokens[k] = b;
                    bandLatents[k++] = j;
                }
            }
        });
        firing.setPairs(firingTokens, firingLatents, firingValues, firingTokens.length, excluded, true);
        firing.index();
        extra.setPairs(bandTokens, bandLatents, new float[bandTokens.length], bandTokens.length, -1, false);
        extra.index();
        thresholds = threshold;
        return true;
    }

    /** The rectangle kernel's support, |(pre − θ)/ε| < 1/2, in the dense step's float arithmetic. */
    private static boolean inBand(float pre, float threshold, float bandwidth) {
        float distance = (pre - threshold) / bandwidth;
        return distance > -0.5f && distance < 0.5f;
    }

    /** {@link #addTerms}'s estimators over the band's pairs: the threshold's gradient and, with ste_to_input, the input's. */
    @Override
    public AnalyticBackprop.Backward addSparseTerms(SparseBackward sparse, ActiveLatents band,
                                                    AnalyticBackprop.Backward backward, double sparsityCoefficient) {
        float bandwidth = (float) architecture.bandwidth();
        float perPair = (float) (sparsityCoefficient / sparse.batchSize() / bandwidth);
        float[] latentGradient = sparse.latentGradientAt(band);
        float[] estimator = new float[band.pairs()];
        for (int p = 0; p < estimator.length; p++) {
            int j = band.latent[p];
            estimator[p] = latentGradient[p] * (thresholds[j] / bandwidth) + perPair;
        }
        float[] thresholdGradient = band.latentSums(estimator);
        for (int j = 0; j < thresholdGradient.length; j++) {
            thresholdGradient[j] = -thresholdGradient[j];
        }
        if (architecture.steToInput()) {
            sparse.addPreGradient(band, estimator, backward);
        }
        NDArray gradient = sparse.manager().create(thresholdGradient);
        return new AnalyticBackprop.Backward(backward.outputGradient(), backward.squaredError(),
                backward.outputGradientSum(), backward.decoderWeightsGradient(), backward.encoderWeightsGradient(),
                backward.encoderBiasGradient(), backward.latentSums(), backward.activeCounts(), gradient);
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
