package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import java.util.List;

/**
 * Matryoshka BatchTopK training as SAELens's {@code MatryoshkaBatchTopKTrainingSAE} does it: BatchTopK, plus for
 * every inner width w (all but the last) the reconstruction loss Σ_b ‖Σ_{j<w} f_bj W_dec,j + b_dec − x_b‖² / B of
 * the first w latents alone ({@code _iterable_decode}). SAELens's {@code use_matryoshka_aux_loss} is off: AuxK is
 * BatchTopK's over the whole SAE.
 */
final class MatryoshkaTraining extends BatchTopKTraining {

    private final List<Integer> innerWidths;

    MatryoshkaTraining(MatryoshkaBatchTopKArchitecture architecture, int deadFeatureWindow) {
        super(architecture.batchTopK(), deadFeatureWindow);
        List<Integer> widths = architecture.matryoshkaWidths();
        this.innerWidths = widths.subList(0, widths.size() - 1);
    }

    /** The inner losses' partial decodes have no sparse form yet. */
    @Override
    public boolean sparseCovers() {
        return false;
    }

    /**
     * Each inner loss w reaches latents j < w: with r_w = Σ_{j<w} f_j W_dec,j − (x − b_dec) and g_w = 2 r_w / B,
     * ∂/∂f_j += g_w W_dec,jᵀ (masked by firing like the outer loss), ∂/∂W_dec,j += f_jᵀ g_w, and b_dec, which every
     * prefix's reconstruction adds, gets Σ_b g_w.
     */
    @Override
    public void addTerms(DenseTerms step) {
        super.addTerms(step);
        NDArray partial = step.centered.neg();
        int previous = 0;
        for (int width : innerWidths) {
            NDIndex columns = new NDIndex(":, {}:{}", previous, width);
            NDIndex rows = new NDIndex("{}:{}", previous, width);
            partial.addi(step.latents.get(columns).matMul(step.sae.decoderWeights().get(rows)));
            NDArray gradient = partial.mul(2f / step.batchSize);
            NDIndex prefixColumns = new NDIndex(":, :{}", width);
            NDIndex prefixRows = new NDIndex(":{}", width);
            NDArray decoderPrefix = step.sae.decoderWeights().get(prefixRows);
            step.latentGradient.set(prefixColumns, step.latentGradient.get(prefixColumns)
                    .addi(gradient.matMul(decoderPrefix.transpose())));
            step.decoderWeightsGradient.set(prefixRows, step.decoderWeightsGradient.get(prefixRows)
                    .addi(step.latents.get(prefixColumns).transpose().matMul(gradient)));
            step.addOutputGradientSum(gradient.sum(new int[] {0}));
            previous = width;
        }
    }
}
