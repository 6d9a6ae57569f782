package dev.saesplit.evaluate;

import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The exact split verdict on synthetic data, by labels, on the tokens where the wide SAE was read: all held-out
 * tokens for one trained on all data, the target's tokens for one trained on filtered data (the only tokens it was
 * trained for). The target's own features are the finest ground-truth features (children and independent
 * features) whose tokens it fires on ({@link GroundTruthFiring#ownFeatures}): the children of the parent it
 * represents, less any it lost to a neighbouring latent, and any unrelated feature it merged with, as a narrow SAE
 * with fewer latents than features does. It can split only if it has at least {@code min_children} of them; it did
 * if each has a wide latent of its own: one that fires on at least {@link #LEARNED_RECALL} of the feature's tokens,
 * with at least {@code min_specificity} of its firing on them (for a child, the tokens where its parent fires with
 * no child drawn are left out: a latent that took the bare parent is still its child's). Firing mostly on the
 * feature's tokens also rules out a copy of the target, which fires on all. The matched latent's decoder cosine
 * with the feature's direction (for a child, the better of the child alone and parent + child, as the generator
 * composes them) is reported beside it, never required. Also how well the behavioural children recover those
 * features, as precision and recall.
 */
final class GroundTruthJudge {

    /** Decoder cosine at which a behavioural child counts as a true feature's, for the precision reported. */
    static final double MATCH = 0.8;
    /** A latent has learned a feature when it fires on at least this share of the feature's tokens. */
    static final double LEARNED_RECALL = 0.5;
    /** On a wide SAE trained on filtered data, a feature is the target's when the target fires on most of it. */
    static final double FILTERED_OWN_SHARE = 0.5;

    private GroundTruthJudge() {
    }

    /**
     * The target's own features, which the later pass follows into the wide latents: those on whose held-out tokens
     * it fires at least {@code min_specificity} of the time or, for a wide SAE trained on filtered data, most of the
     * time ({@link #FILTERED_OWN_SHARE}). Such an SAE sees nothing but the target's tokens, so a feature most of
     * whose tokens are among them is part of what it was trained to refine; a narrow latent that merged a second
     * feature fires on its stronger tokens, and a filtered SAE gives that feature a latent of its own.
     */
    static int[] ownFeatures(GroundTruthFiring coverage, SplitCriteria criteria, boolean filtered) {
        return coverage.ownFeatures(filtered ? FILTERED_OWN_SHARE : criteria.minSpecificity()).stream()
                .mapToInt(Integer::intValue).toArray();
    }

    static SplitReport.GroundTruthVerdict judge(SaeWeights wide, boolean filtered, SplitCriteria criteria,
                                                HeldOutTruth heldOut,
                                                GroundTruthFiring coverage, FeatureLatentFiring together,
                                                LatentStatistics firing, List<SplitReport.Latent> behaviouralChildren) {
        int[] own = ownFeatures(coverage, criteria, filtered);
        int parent = commonParent(heldOut, own);
        String features = describe(heldOut, coverage, own);
        if (own.length < criteria.minChildren()) {
            return new SplitReport.GroundTruthVerdict(SplitOutcome.NO, String.format(Locale.ROOT,
                    "the target fires on the tokens of %d ground-truth feature%s%s, fewer than %d: nothing to split "
                            + "into", own.length, own.length == 1 ? "" : "s", features, criteria.minChildren()),
                    parent, List.of(), behaviouralChildren.isEmpty() ? 1 : 0, 1);
        }
        Set<Integer> used = new HashSet<>();
        List<SplitReport.GroundTruthVerdict.Match> matches = new ArrayList<>();
        for (int feature : own) {
            double[] cosines = featureCosines(wide, heldOut, feature);
            int best = -1;
            for (int j = 0; j < cosines.length; j++) {
                boolean learned = together.recall(feature, j) >= LEARNED_RECALL
                        && together.precision(feature, j, firing.fired(j)) >= criteria.minSpecificity();
                if (learned && !used.contains(j)
                        && (best < 0 || together.recall(feature, j) > together.recall(feature, best))) {
                    best = j;
                }
            }
            if (best >= 0) {
                used.add(best);
                matches.add(new SplitReport.GroundTruthVerdict.Match(feature, best, cosines[best],
                        together.recall(feature, best), together.precision(feature, best, firing.fired(best))));
            }
        }
        if (filtered) {
            matchBias(wide, heldOut, own, matches);
        }
        int expected = own.length;
        int matched = matches.size();
        SplitOutcome outcome = matched == expected ? SplitOutcome.YES
                : matched >= criteria.minChildren() ? SplitOutcome.PARTIAL : SplitOutcome.NO;
        List<String> found = matches.stream().map(m -> m.latent() < 0
                ? String.format(Locale.ROOT, "%d→decoder bias (cosine %.2f)", m.feature(), m.cosine())
                : String.format(Locale.ROOT, "%d→%d (fires on %.0f%% of its tokens, %.0f%% of its firing there; "
                        + "cosine %.2f)", m.feature(), m.latent(), 100 * m.recall(), 100 * m.precision(),
                        m.cosine())).toList();
        String reason = String.format(Locale.ROOT, "%d of the target's %d ground-truth features%s have their own "
                + "latent%s", matched, expected, features, found.isEmpty() ? "" : ": " + String.join(", ", found));
        return new SplitReport.GroundTruthVerdict(outcome, reason, parent, matches,
                precision(wide, heldOut, own, behaviouralChildren), (double) matched / expected);
    }

    /**
     * On a wide SAE trained on filtered data, the decoder bias is a latent that fires on every token: such an SAE
     * keeps the typical target token there, and the commonest of the target's features then needs no latent (its
     * latent, if any, fires only on that feature's tokens that stand out from the typical one). The unmatched own
     * feature whose direction (for a child, parent + child) is closest to the bias, at cosine ≥ {@link #MATCH}, is
     * matched to it, as latent -1.
     */
    private static void matchBias(SaeWeights wide, HeldOutTruth heldOut, int[] own,
                                  List<SplitReport.GroundTruthVerdict.Match> matches) {
        float[] bias = wide.decoderBias();
        int best = -1;
        double bestCosine = MATCH;
        for (int feature : own) {
            if (matches.stream().anyMatch(m -> m.feature() == feature)) {
                continue;
            }
            int parent = heldOut.activity().parentOf(feature);
            float[] direction = heldOut.truth().direction(feature);
            double cosine = DecoderCosines.cosine(bias, parent < 0 ? direction
                    : DecoderCosines.sum(heldOut.truth().direction(parent), direction));
            if (cosine >= bestCosine) {
                best = feature;
                bestCosine = cosine;
            }
        }
        if (best >= 0) {
            matches.add(new SplitReport.GroundTruthVerdict.Match(best, -1, bestCosine, 1, 0));
        }
    }

    /** The parent whose children the own features include (the most of them), or -1 when none is a child. */
    private static int commonParent(HeldOutTruth heldOut, int[] own) {
        int[] counts = new int[heldOut.truth().config().parents()];
        int best = -1;
        for (int feature : own) {
            int parent = heldOut.activity().parentOf(feature);
            if (parent >= 0) {
                counts[parent]++;
                if (best < 0 || counts[parent] > counts[best]) {
                    best = parent;
                }
            }
        }
        return best;
    }

    /** " (child 3 of parent 0, 12; not the target's: child 4 (target fires on 31 % of its 250 tokens))". */
    private static String describe(HeldOutTruth heldOut, GroundTruthFiring coverage, int[] own) {
        List<String> names = new ArrayList<>();
        Set<Integer> parents = new HashSet<>();
        for (int feature : own) {
            int parent = heldOut.activity().parentOf(feature);
            names.add(parent >= 0 ? "child " + feature + " of parent " + parent : "feature " + feature);
            if (parent >= 0) {
                parents.add(parent);
            }
        }
        List<String> lost = new ArrayList<>();
        for (HierarchyParent p : heldOut.truth().parents()) {
            if (!parents.contains(p.feature())) {
                continue;
            }
            for (int child : p.children()) {
                if (Arrays.stream(own).noneMatch(f -> f == child)) {
                    lost.add(String.format(Locale.ROOT, "child %d (target fires on %.0f%% of its %d tokens)", child,
                            100 * coverage.targetCoverage(child), coverage.tokens(child)));
                }
            }
        }
        String text = names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
        return lost.isEmpty() ? text : text + "; not the target's: " + String.join(", ", lost);
    }

    /** Per wide latent, its best cosine with {@code feature} alone or, for a child, with parent + child. */
    private static double[] featureCosines(SaeWeights wide, HeldOutTruth heldOut, int feature) {
        float[] direction = heldOut.truth().direction(feature);
        int parent = heldOut.activity().parentOf(feature);
        return parent < 0 ? DecoderCosines.all(wide, direction)
                : childCosines(wide, heldOut.truth().direction(parent), direction);
    }

    /** Per wide latent, its best cosine with {@code child} alone or with {@code parent + child}. */
    private static double[] childCosines(SaeWeights wide, float[] parent, float[] child) {
        double[] alone = DecoderCosines.all(wide, child);
        double[] composed = DecoderCosines.all(wide, DecoderCosines.sum(parent, child));
        for (int j = 0; j < alone.length; j++) {
            alone[j] = Math.max(alone[j], composed[j]);
        }
        return alone;
    }

    /** Fraction of behavioural children whose decoder matches one of the target's own features; 1 when none. */
    private static double precision(SaeWeights wide, HeldOutTruth heldOut, int[] own,
                                    List<SplitReport.Latent> children) {
        if (children.isEmpty()) {
            return 1;
        }
        List<double[]> cosines = new ArrayList<>();
        for (int feature : own) {
            cosines.add(featureCosines(wide, heldOut, feature));
        }
        int correct = 0;
        for (SplitReport.Latent latent : children) {
            if (cosines.stream().anyMatch(c -> c[latent.latent()] >= MATCH)) {
                correct++;
            }
        }
        return (double) correct / children.size();
    }
}
