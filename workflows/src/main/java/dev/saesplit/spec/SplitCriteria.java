package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * What counts as the target latent having split.
 *
 * @param minChildren    wide latents that must qualify as children of the target
 * @param minChildCosine least cosine between a child's decoder direction and the target's
 * @param probes         prompts whose token activations must show the split
 */
public record SplitCriteria(int minChildren, double minChildCosine, List<Probe> probes) {

    public static final SplitCriteria DEFAULTS = new SplitCriteria(2, 0.3, List.of());

    public SplitCriteria {
        probes = List.copyOf(probes);
    }

    /** What a probe expects of the children on its token. */
    public enum Expectation implements SpecChoice {
        /** One child fires highest, at least {@code margin} times any other latent. */
        DOMINANT_CHILD("dominant-child"),
        /** No child fires above {@code margin} times its typical activation: the token barely fires them. */
        QUIET("quiet");

        private final String specName;

        Expectation(String specName) {
            this.specName = specName;
        }

        @Override
        public String specName() {
            return specName;
        }
    }

    /**
     * A probe prompt.
     *
     * @param prompt the text run through the model
     * @param token  the token of the prompt to look at (its first occurrence)
     * @param expect what the children should do there
     * @param margin the ratio {@code expect} is judged by
     */
    public record Probe(String prompt, String token, Expectation expect, double margin) {
    }
}
