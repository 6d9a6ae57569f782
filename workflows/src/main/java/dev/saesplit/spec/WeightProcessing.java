package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a language model's weights are processed after loading, as TransformerLens offers it. The two differ in the
 * residual stream and in {@code hook_mlp_out} (mean-centred over d_model when processed), not in
 * {@code mlp.hook_post} or the loss, so an SAE trained on one does not fit the other's activations.
 */
public enum WeightProcessing implements SpecChoice {
    /** The weights as stored: TransformerLens's {@code from_pretrained_no_processing}, what SAELens trains with. */
    NONE("none"),
    /**
     * TransformerLens's {@code from_pretrained} defaults: fold LayerNorm into the following weights, centre the
     * weights writing to the residual stream, centre the unembedding, fold the value biases into the output bias.
     */
    FROM_PRETRAINED("from-pretrained");

    private final String specName;

    WeightProcessing(String specName) {
        this.specName = specName;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }

    /**
     * Jackson's {@code JsonInclude.CUSTOM} filter for the spec's JSON: {@link #NONE} is left out (filters exclude what
     * they equal), so specs written before the field existed keep their fingerprints.
     */
    public static final class NoneFilter {
        @Override
        public boolean equals(Object other) {
            return other == null || other == NONE;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
