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
 * The exact split verdict on synthetic data. The target's own features are the finest ground-truth features
 * (children and independent features) whose tokens it fires on ({@link GroundTruthFiring#ownFeatures}): the
 * children of the parent it represents, less any it lost to a neighbouring latent, and any unrelated feature it
 * merged with, as a narrow SAE with fewer latents than features does. It can split only if it has at least
 * {@code min_children} of them; it did if each has a wide latent of its own (decoder cosine ≥ {@link #MATCH} with
 * the feature's direction, or for a child with parent + child as the generator composes them; at least
 * {@code min_specificity} of its firing on the feature's own tokens, the behavioural standard with the true
 * feature in place of the target, which also rules out a copy of the target itself). Also how well the
 * behavioural children recover those features, as precision and recall.
 */
final class GroundTruthJudge {

    /** Cosine at which a wide latent counts as having learned a ground-truth direction. */
    static final double MATCH = 0.8;

    private GroundTruthJudge() {
    }

    /** The target's own features, which the later pass follows into the wide latents. */
    static int[] ownFeatures(GroundTruthFiring coverage, SplitCriteria criteria) {
        return coverage.ownFeatures(criteria.minSpecificity()).stream().mapToInt(Integer::intValue).toArray();
    }

    static SplitReport.GroundTruthVerdict judge(SaeWeights wide, SplitCriteria criteria, HeldOutTruth heldOut,
                                                GroundTruthFiring coverage, FeatureLatentFiring together,
                                                LatentStatistics firing, List<SplitReport.Latent> behaviouralChildren) {
        int[] own = ownFeatures(coverage, criteria);
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
                // Firing mostly on the feature's tokens also rules out a copy of the target, which fires on all.
                boolean learned = cosines[j] >= MATCH && together.precision(feature, j, firing.fired(j))
                        >= criteria.minSpecificity();
                if (learned && !used.contains(j) && (best < 0 || cosines[j] > cosines[best])) {
                    best = j;
                }
            }
            if (best >= 0) {
                used.add(best);
                matches.add(new SplitReport.GroundTruthVerdict.Match(feature, best, cosines[best]));
            }
        }
        int expected = own.length;
        int matched = matches.size();
        SplitOutcome outcome = matched == expected ? SplitOutcome.YES
                : matched >= criteria.minChildren() ? SplitOutcome.PARTIAL : SplitOutcome.NO;
        List<String> found = matches.stream().map(m -> String.format(Locale.ROOT, "%d→%d (%.2f)", m.feature(),
                m.latent(), m.cosine())).toList();
        String reason = String.format(Locale.ROOT, "%d of the target's %d ground-truth features%s have their own "
                + "latent%s", matched, expected, features, found.isEmpty() ? "" : ": " + String.join(", ", found));
        return new SplitReport.GroundTruthVerdict(outcome, reason, parent, matches,
                precision(wide, heldOut, own, behaviouralChildren), (double) matched / expected);
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
