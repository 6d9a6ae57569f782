package dev.saesplit.evaluate;

import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The exact split verdict on synthetic data: the ground-truth parent the target latent represents, the children
 * of that parent whose tokens the target fires on (a narrow latent that lost a child to a neighbouring latent
 * cannot split into it), and which of those have a wide latent of their own (decoder cosine ≥ {@link #MATCH} with
 * the child's direction, alone or added to the parent's, as the generator composes them; at least
 * {@code min_specificity} of its firing on the child's own tokens, the behavioural standard with the true child in
 * place of the target, which also rules out a copy of the target itself). Also how well the
 * behavioural children recover that hierarchy, as precision and recall.
 */
final class GroundTruthJudge {

    /** Cosine at which a wide latent counts as having learned a ground-truth direction. */
    static final double MATCH = 0.8;
    /** Cosine below which the target latent is taken to represent no ground-truth parent at all. */
    static final double PARENT_MATCH = 0.5;

    private GroundTruthJudge() {
    }

    static SplitReport.GroundTruthVerdict judge(SaeWeights wide, float[] target, SplitCriteria criteria,
                                                GroundTruth truth, GroundTruthFiring coverage, LatentStatistics firing,
                                                List<SplitReport.Latent> behaviouralChildren) {
        HierarchyParent parent = null;
        double parentCosine = -1;
        for (HierarchyParent p : truth.parents()) {
            double c = DecoderCosines.cosine(target, truth.direction(p.feature()));
            if (c > parentCosine) {
                parentCosine = c;
                parent = p;
            }
        }
        if (parent == null || parentCosine < PARENT_MATCH) {
            return new SplitReport.GroundTruthVerdict(SplitOutcome.NO, String.format(Locale.ROOT,
                    "the target latent matches no ground-truth parent (best cosine %.2f): it has no children to "
                            + "split into", parentCosine), -1, List.of(), behaviouralChildren.isEmpty() ? 1 : 0, 1);
        }
        float[] parentDirection = truth.direction(parent.feature());
        List<Integer> ownChildren = new ArrayList<>();
        List<String> uncovered = new ArrayList<>();
        for (int child : parent.children()) {
            // The target's own children: those it fires on, by the standard a behavioural child's specificity meets.
            if (coverage.targetCoverage(child) >= criteria.minSpecificity()) {
                ownChildren.add(child);
            } else {
                uncovered.add(String.format(Locale.ROOT, "%d (target fires on %.0f%% of its %d tokens)", child,
                        100 * coverage.targetCoverage(child), coverage.tokens(child)));
            }
        }
        String notCovered = uncovered.isEmpty() ? "" : "; not the target's: child " + String.join(", ", uncovered);
        if (ownChildren.size() < criteria.minChildren()) {
            return new SplitReport.GroundTruthVerdict(SplitOutcome.NO, String.format(Locale.ROOT,
                    "the target fires on the tokens of %d of ground-truth parent %d's %d children, fewer than %d: "
                            + "nothing to split into%s", ownChildren.size(), parent.feature(),
                    parent.children().size(), criteria.minChildren(), notCovered), parent.feature(), List.of(),
                    behaviouralChildren.isEmpty() ? 1 : 0, 1);
        }
        Set<Integer> used = new HashSet<>();
        List<SplitReport.GroundTruthVerdict.Match> matches = new ArrayList<>();
        for (int child : ownChildren) {
            double[] cosines = childCosines(wide, parentDirection, truth.direction(child));
            int best = -1;
            for (int j = 0; j < cosines.length; j++) {
                // Firing mostly on the child's tokens also rules out a copy of the target, which fires on all of them.
                boolean learned = cosines[j] >= MATCH && coverage.childPrecision(child, j, firing.fired(j))
                        >= criteria.minSpecificity();
                if (learned && !used.contains(j) && (best < 0 || cosines[j] > cosines[best])) {
                    best = j;
                }
            }
            if (best >= 0) {
                used.add(best);
                matches.add(new SplitReport.GroundTruthVerdict.Match(child, best, cosines[best]));
            }
        }
        int expected = ownChildren.size();
        int matched = matches.size();
        SplitOutcome outcome = matched == expected ? SplitOutcome.YES
                : matched >= criteria.minChildren() ? SplitOutcome.PARTIAL : SplitOutcome.NO;
        List<String> found = matches.stream().map(m -> String.format(Locale.ROOT, "%d→%d (%.2f)", m.feature(),
                m.latent(), m.cosine())).toList();
        String reason = String.format(Locale.ROOT, "%d of the target's %d children (of ground-truth parent %d) have "
                + "their own latent%s%s", matched, expected, parent.feature(),
                found.isEmpty() ? "" : ": " + String.join(", ", found), notCovered);
        return new SplitReport.GroundTruthVerdict(outcome, reason, parent.feature(), matches,
                precision(wide, parentDirection, ownChildren, truth, behaviouralChildren),
                (double) matched / expected);
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

    /** Fraction of behavioural children whose decoder matches one of the parent's true children; 1 when none. */
    private static double precision(SaeWeights wide, float[] parentDirection, List<Integer> ownChildren,
                                    GroundTruth truth, List<SplitReport.Latent> children) {
        if (children.isEmpty()) {
            return 1;
        }
        int correct = 0;
        for (SplitReport.Latent latent : children) {
            float[] decoder = wide.decoderRow(latent.latent());
            for (int child : ownChildren) {
                float[] direction = truth.direction(child);
                if (Math.max(DecoderCosines.cosine(decoder, direction),
                        DecoderCosines.cosine(decoder, DecoderCosines.sum(parentDirection, direction))) >= MATCH) {
                    correct++;
                    break;
                }
            }
        }
        return (double) correct / children.size();
    }
}
