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
 * The exact split verdict on synthetic data: the ground-truth parent the target latent represents, and which of
 * its children have a wide latent of their own (decoder cosine ≥ {@link #MATCH} with the child's direction, alone
 * or added to the parent's, as the generator composes them). Also how well the behavioural children recover
 * that hierarchy, as precision and recall.
 */
final class GroundTruthJudge {

    /** Cosine at which a wide latent counts as having learned a ground-truth direction. */
    static final double MATCH = 0.8;
    /** Cosine below which the target latent is taken to represent no ground-truth parent at all. */
    static final double PARENT_MATCH = 0.5;

    private GroundTruthJudge() {
    }

    static SplitReport.GroundTruthVerdict judge(SaeWeights wide, float[] target, SplitCriteria criteria,
                                                GroundTruth truth, List<SplitReport.Latent> behaviouralChildren) {
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
        Set<Integer> used = new HashSet<>();
        List<SplitReport.GroundTruthVerdict.Match> matches = new ArrayList<>();
        for (int child : parent.children()) {
            double[] cosines = childCosines(wide, parentDirection, truth.direction(child));
            int best = -1;
            for (int j = 0; j < cosines.length; j++) {
                if (cosines[j] >= MATCH && !used.contains(j) && (best < 0 || cosines[j] > cosines[best])) {
                    best = j;
                }
            }
            if (best >= 0) {
                used.add(best);
                matches.add(new SplitReport.GroundTruthVerdict.Match(child, best, cosines[best]));
            }
        }
        int expected = parent.children().size();
        int matched = matches.size();
        SplitOutcome outcome = matched == expected && matched >= criteria.minChildren() ? SplitOutcome.YES
                : matched >= criteria.minChildren() ? SplitOutcome.PARTIAL : SplitOutcome.NO;
        List<String> found = matches.stream().map(m -> String.format(Locale.ROOT, "%d→%d (%.2f)", m.feature(),
                m.latent(), m.cosine())).toList();
        String reason = String.format(Locale.ROOT, "%d of %d children of ground-truth parent %d have their own latent%s",
                matched, expected, parent.feature(), found.isEmpty() ? "" : ": " + String.join(", ", found));
        return new SplitReport.GroundTruthVerdict(outcome, reason, parent.feature(), matches,
                precision(wide, parent, parentDirection, truth, behaviouralChildren), (double) matched / expected);
    }

    /** Per wide latent, its best cosine with {@code child} alone or with {@code parent + child}. */
    private static double[] childCosines(SaeWeights wide, float[] parent, float[] child) {
        double[] alone = DecoderCosines.all(wide, child);
        double[] composed = DecoderCosines.all(wide, sum(parent, child));
        for (int j = 0; j < alone.length; j++) {
            alone[j] = Math.max(alone[j], composed[j]);
        }
        return alone;
    }

    /** Fraction of behavioural children whose decoder matches one of the parent's true children; 1 when none. */
    private static double precision(SaeWeights wide, HierarchyParent parent, float[] parentDirection,
                                    GroundTruth truth, List<SplitReport.Latent> children) {
        if (children.isEmpty()) {
            return 1;
        }
        int correct = 0;
        for (SplitReport.Latent latent : children) {
            float[] decoder = wide.decoderRow(latent.latent());
            for (int child : parent.children()) {
                float[] direction = truth.direction(child);
                if (Math.max(DecoderCosines.cosine(decoder, direction),
                        DecoderCosines.cosine(decoder, sum(parentDirection, direction))) >= MATCH) {
                    correct++;
                    break;
                }
            }
        }
        return (double) correct / children.size();
    }

    private static float[] sum(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }
}
