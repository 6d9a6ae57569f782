package dev.saesplit.evaluate;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.saesplit.table.SplitOutcome;

import java.util.List;

/**
 * {@code split_report.json}: everything a row's split evaluation measured, so the verdict can be audited. Its
 * JSON schema is {@code split_report.schema.json} beside this class; a test validates reports against it.
 *
 * @param formatVersion  layout version (3 added the set's containment, own coverage and activation elsewhere;
 *                       4 the latents set aside, the bias coverage and the verdict's summary)
 * @param experiment     the experiment
 * @param runId          the run-table row
 * @param sae            directory of the wide SAE (SAELens layout)
 * @param narrowSae      directory of the narrow SAE
 * @param targetLatent   the narrow latent studied
 * @param threshold      the target fires on a token when its activation exceeds this
 * @param zeroedLatent   the wide latent forced to zero in training (zero-target loss), or -1
 * @param heldOutTokens  tokens measured (held out of every training)
 * @param targetTokens   held-out tokens on which the target fires
 * @param all            the wide SAE's reconstruction on all held-out tokens
 * @param filtered       its reconstruction on the held-out tokens where the target fires
 * @param children       latents counted as children, by decreasing recall
 * @param parents        latents that fire on nearly all of the target's tokens: the parent surviving
 * @param nearMisses     the most specific other latents, for auditing the thresholds
 * @param split          measurements of the children as a set
 * @param verdict        the behavioural verdict, with its reason
 * @param groundTruth    the exact verdict against a synthetic source's ground truth, where there is one
 * @param interpretation contexts, boosted logits and probes, where tokens and a model are known
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SplitReport(int formatVersion, String experiment, String runId, String sae, String narrowSae,
                          int targetLatent, double threshold, int zeroedLatent, long heldOutTokens, long targetTokens,
                          ReconstructionSummary all, ReconstructionSummary filtered, List<Latent> children, List<Latent> parents,
                          List<Latent> nearMisses, List<SetAside> setAside, SetMeasurements split, Verdict verdict,
                          GroundTruthVerdict groundTruth, Interpretation interpretation) {

    public static final int FORMAT_VERSION = 4;
    public static final String FILE_NAME = "split_report.json";
    public static final String SCHEMA_RESOURCE = "/dev/saesplit/evaluate/split_report.schema.json";

    public SplitReport {
        children = List.copyOf(children);
        parents = List.copyOf(parents);
        nearMisses = List.copyOf(nearMisses);
        setAside = setAside == null ? List.of() : List.copyOf(setAside);
    }

    /** The same report with interpretation added. */
    public SplitReport withInterpretation(Interpretation added) {
        return new SplitReport(formatVersion, experiment, runId, sae, narrowSae, targetLatent, threshold, zeroedLatent,
                heldOutTokens, targetTokens, all, filtered, children, parents, nearMisses, setAside, split, verdict, groundTruth,
                added);
    }

    /**
     * One wide latent's behaviour relative to the target.
     *
     * @param latent          index in the wide SAE
     * @param specificity     P(target fires | latent fires)
     * @param recall          P(latent fires | target fires)
     * @param cosine          cosine between its decoder row and the target's
     * @param meanActivation  mean activation where it fires
     * @param maxActivation   largest activation
     * @param frequency       fraction of held-out tokens where it fires
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Latent(int latent, double specificity, double recall, double cosine, double meanActivation,
                         double maxActivation, double frequency) {
    }

    /**
     * A latent of a wide SAE trained on filtered data that fires on enough of the target's tokens to be a child,
     * and is not (see {@code FilteredLatentRoles}).
     *
     * @param latent        index in the wide SAE
     * @param why           {@code magnitude}: its decoder lies along the target's direction or against it, so it
     *                      partitions the target's tokens by size; {@code background}: a feature the narrow SAE
     *                      saw about as often off the target's tokens as on them; {@code elsewhere}: a feature most
     *                      of whose occurrences lie off the target's tokens, which the target only partly covers
     * @param cosine        cosine between its decoder row and the target's
     * @param recall        P(latent fires | target fires)
     * @param offTargetRate how often it fires on the other held-out tokens, each moved by the mean target token
     *                      less the mean other token
     * @param offTargetBaseline how often it fires on those tokens with their own deviation from the mean other
     *                      token scrambled (along no feature's direction): the firing that the typical target token
     *                      causes, left out when the latent is tested for a feature found elsewhere
     * @param narrowLatent  the narrow latent, other than the target, whose decoder is closest to its own, or -1
     * @param narrowCosine  that decoder cosine
     * @param narrowRateOn  how often that narrow latent fires on the target's held-out tokens
     * @param narrowRateOff how often it fires on the other held-out tokens
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetAside(int latent, String why, double cosine, double recall, double offTargetRate,
                           double offTargetBaseline, int narrowLatent,
                           double narrowCosine, double narrowRateOn, double narrowRateOff) {
        public static final String MAGNITUDE = "magnitude";
        public static final String BACKGROUND = "background";
        public static final String ELSEWHERE = "elsewhere";
    }

    /**
     * The children as a set.
     *
     * @param distinctChildren       the most children that are different: those that are one child learned twice
     *                               (firing Jaccard above the limit, or decoder cosine above 0.95) count once, and
     *                               children firing together on more than {@code max_child_overlap} of either's
     *                               tokens are not two children, since a target's children are exclusive
     *                               refinements of it
     * @param coverage               P(some child fires | target fires)
     * @param activationCoverage     the share of the target's summed activation on tokens where some child fires
     * @param activationElsewhere    the share of the target's summed activation that, on tokens where no child
     *                               fires, latents of other features (specificity below {@code min_specificity})
     *                               drive: per token, the target's activation times their share of what the wide
     *                               latents add to its pre-activation
     * @param ownActivationCoverage  what the verdict's {@code min_coverage} is held against: the children's share of
     *                               the target's activation less what went to other features' latents, with
     *                               {@code bias_coverage} added
     * @param biasCoverage           the share of the target's summed activation that, on tokens where no child
     *                               fires, the wide SAE's decoder bias carries: per token, the target's activation
     *                               on the bias alone, at most its own (non-zero only for an SAE trained on
     *                               filtered data, which keeps the typical target token there)
     * @param pairwiseCosine         decoder cosines among children, in {@code children} order
     * @param pairwiseJaccard        firing overlap among children, in {@code children} order
     * @param pairwiseContainment    {@code [a][b]}: P(child a fires | child b fires), in {@code children} order
     * @param contributionExplained  on the target's tokens, 1 − Σ‖f_t·d_t − Σ_j f_j·d_j‖² / Σ‖f_t·d_t‖², the sums
     *                               over children j: how much of the target's contribution the children rebuild
     * @param absorption             fraction of the target's tokens where a child fires and no latent aligned with
     *                               the target's direction (cosine ≥ 0.9, not a child) does
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record SetMeasurements(int distinctChildren, double coverage, double activationCoverage,
                                  double activationElsewhere, double ownActivationCoverage, double biasCoverage,
                                  double[][] pairwiseCosine, double[][] pairwiseJaccard,
                                  double[][] pairwiseContainment, double contributionExplained, double absorption) {
    }

    /**
     * A verdict and why.
     *
     * @param outcome yes, partial or no
     * @param reason  every figure that decided it, in one line: the report's and this file's account
     * @param summary one short sentence for the run table: the children counted, what was set aside and the deciding
     *                figure
     */
    public record Verdict(SplitOutcome outcome, String reason, String summary) {
    }

    /**
     * The exact verdict on synthetic data, by labels: which of the target's ground-truth features have a wide
     * latent of their own, on the tokens where the wide SAE was read.
     *
     * @param outcome   yes when every child is matched, partial when enough are, no otherwise
     * @param reason    one line
     * @param parent    the ground-truth parent the target represents, or -1 when it represents none
     * @param matches   matched children
     * @param precision fraction of the behavioural children that match a true child of that parent
     * @param recall    fraction of the parent's true children matched
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record GroundTruthVerdict(SplitOutcome outcome, String reason, int parent, List<Match> matches,
                                     double precision, double recall) {
        public GroundTruthVerdict {
            matches = List.copyOf(matches);
        }

        /**
         * A true feature and the wide latent that learned it.
         *
         * @param cosine    decoder cosine with the feature's direction (for a child, the better of it alone and
         *                  parent + child)
         * @param recall    P(latent fires | feature fires), on the tokens where the wide SAE was read
         * @param precision P(feature fires | latent fires), leaving out a child's bare-parent tokens
         */
        public record Match(int feature, int latent, double cosine, double recall, double precision) {
        }
    }

    /**
     * What the children mean, where tokens and a model are known (filled by the interpretation step).
     *
     * @param latents per latent studied (the narrow target first, then the children)
     * @param probes  probe prompts with their result
     */
    public record Interpretation(List<LatentInterpretation> latents, List<ProbeResult> probes) {
        public Interpretation {
            latents = List.copyOf(latents);
            probes = List.copyOf(probes);
        }
    }

    /**
     * One latent's top contexts and boosted logits.
     *
     * @param sae          {@code narrow} or {@code wide}
     * @param latent       index in that SAE
     * @param contexts     top-activating tokens in context
     * @param topLogits    tokens its decoder direction boosts most
     * @param bottomLogits tokens it suppresses most
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LatentInterpretation(String sae, int latent, List<Context> contexts, List<Logit> topLogits,
                                       List<Logit> bottomLogits) {
        public LatentInterpretation {
            contexts = List.copyOf(contexts);
            topLogits = List.copyOf(topLogits);
            bottomLogits = List.copyOf(bottomLogits);
        }
    }

    /**
     * A token in context: {@code before}, the token, {@code after}.
     */
    public record Context(double activation, String before, String token, String after) {
    }

    /** A vocabulary token and its logit effect. */
    public record Logit(String token, double value) {
    }

    /**
     * A probe's result.
     *
     * @param prompt      the prompt
     * @param token       the marked token
     * @param expect      dominant-child or quiet
     * @param margin      the ratio judged by
     * @param passed      whether the expectation held
     * @param reason      the numbers behind it
     * @param target      the narrow target's activation there
     * @param activations each child's activation there, in children order
     */
    public record ProbeResult(String prompt, String token, String expect, double margin, boolean passed,
                              String reason, double target, double[] activations) {
    }
}
