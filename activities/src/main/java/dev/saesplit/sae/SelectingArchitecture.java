package dev.saesplit.sae;

/**
 * The architectures that are sparse by selection, as SAELens's TopK family is: they keep the largest
 * pre-activations (per token, or across a batch) instead of training under a sparsity penalty, so whether one
 * latent survives depends on the others', and they carry SAELens's {@code rescale_acts_by_decoder_norm}.
 */
interface SelectingArchitecture extends SaeArchitecture {

    /** SAELens's {@code rescale_acts_by_decoder_norm}. */
    boolean rescaleActsByDecoderNorm();

    @Override
    default boolean scalesByDecoderNorm() {
        return rescaleActsByDecoderNorm();
    }

    @Override
    default boolean latentsIndependent() {
        return false;
    }

    @Override
    default boolean usesSparsityPenalty() {
        return false;
    }
}
