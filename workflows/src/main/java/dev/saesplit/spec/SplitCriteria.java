package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;

/**
 * What counts as the target latent having split, judged by behaviour on held-out tokens. A wide latent j is a
 * child of the target t when it fires mostly where t fires (specificity P(t | j)) and on a real part of it
 * (recall P(j | t)), but not on nearly all of it: a latent that does is the parent surviving, not a child.
 *
 * @param minChildren     distinct children needed for {@code yes} or {@code partial}
 * @param minSpecificity  least P(t fires | j fires) of a child
 * @param minRecall       least P(j fires | t fires) of a child
 * @param maxChildRecall  recall at or above which a specific latent is the surviving parent, not a child
 * @param minCoverage     least P(some child fires | t fires) for {@code yes}; below it the split is partial
 * @param maxChildJaccard most firing overlap (Jaccard) of two children; above it they are one child twice
 * @param maxChildOverlap most of one child's tokens another may fire on, P(a fires | b fires); above it they are
 *                        not two children (a target's children are exclusive refinements of it)
 * @param probes          prompts whose token activations must show the split
 */
// Payloads of executions started before the behavioural criteria carry min_child_cosine: ignored, so they replay.
@JsonIgnoreProperties(ignoreUnknown = true)
public record SplitCriteria(int minChildren, double minSpecificity, double minRecall, double maxChildRecall,
                            double minCoverage, double maxChildJaccard, Double maxChildOverlap, List<Probe> probes) {

    public static final double DEFAULT_MAX_CHILD_OVERLAP = 0.2;
    public static final SplitCriteria DEFAULTS = new SplitCriteria(2, 0.8, 0.05, 0.8, 0.9, 0.5,
            DEFAULT_MAX_CHILD_OVERLAP, List.of());

    /** Payloads of executions started before {@code max_child_overlap} existed lack it: they get the default. */
    public SplitCriteria {
        maxChildOverlap = maxChildOverlap == null ? DEFAULT_MAX_CHILD_OVERLAP : maxChildOverlap;
        probes = List.copyOf(probes);
    }

    /** What a probe expects of the children on its token. */
    public enum Expectation implements SpecChoice {
        /** One child fires highest, at least {@code margin} times any other latent. */
        DOMINANT_CHILD("dominant-child"),
        /**
         * The children fire at most 1/{@code margin} of the target there: the token barely fires them (exact
         * rule, and which children are watched: the evaluation's {@code ProbeJudge}).
         */
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
