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
import java.util.Optional;
import java.util.Set;

/**
 * Whether the target latent split in a wide SAE. With a synthetic source's ground truth the answer is exact:
 * each child of the parent the target latent represents must have a wide latent of its own. Without it, the
 * children are the wide latents whose directions stay close to the target's.
 *
 * @param children wide latents counted as children
 * @param outcome  yes, partial or no
 * @param detail   one line a researcher can read
 */
public record SplitJudgement(int children, SplitOutcome outcome, String detail) {

    /** Cosine at which a wide latent counts as having learned a ground-truth direction. */
    static final double GROUND_TRUTH_MATCH = 0.8;
    /** Cosine below which the target latent is taken to represent no ground-truth parent at all. */
    static final double PARENT_MATCH = 0.5;

    public static SplitJudgement judge(SaeWeights wide, float[] targetDirection, boolean[] deadLatents,
                                       SplitCriteria criteria, Optional<GroundTruth> truth) {
        return truth.map(t -> byGroundTruth(wide, targetDirection, criteria, t))
                .orElseGet(() -> byDirection(wide, targetDirection, deadLatents, criteria));
    }

    private static SplitJudgement byGroundTruth(SaeWeights wide, float[] target, SplitCriteria criteria,
                                                GroundTruth truth) {
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
            return new SplitJudgement(0, SplitOutcome.NO, String.format(Locale.ROOT,
                    "the target latent matches no ground-truth parent (best cosine %.2f)", parentCosine));
        }
        Set<Integer> used = new HashSet<>();
        List<String> found = new ArrayList<>();
        for (int child : parent.children()) {
            float[] alone = truth.direction(child);
            float[] withParent = sum(truth.direction(parent.feature()), alone);
            double[] a = DecoderCosines.all(wide, alone);
            double[] b = DecoderCosines.all(wide, withParent);
            int best = -1;
            double bestCosine = GROUND_TRUTH_MATCH;
            for (int j = 0; j < a.length; j++) {
                double c = Math.max(a[j], b[j]);
                if (c >= bestCosine && !used.contains(j)) {
                    best = j;
                    bestCosine = c;
                }
            }
            if (best >= 0) {
                used.add(best);
                found.add(String.format(Locale.ROOT, "%d→%d (%.2f)", child, best, bestCosine));
            }
        }
        int matched = found.size();
        int expected = parent.children().size();
        SplitOutcome outcome = matched == expected && matched >= criteria.minChildren() ? SplitOutcome.YES
                : matched >= criteria.minChildren() ? SplitOutcome.PARTIAL : SplitOutcome.NO;
        return new SplitJudgement(matched, outcome, String.format(Locale.ROOT,
                "%d of %d children of ground-truth parent %d have their own latent%s", matched, expected,
                parent.feature(), found.isEmpty() ? "" : ": " + String.join(", ", found)));
    }

    private static SplitJudgement byDirection(SaeWeights wide, float[] target, boolean[] dead,
                                              SplitCriteria criteria) {
        double[] cosines = DecoderCosines.all(wide, target);
        int children = 0;
        for (int j = 0; j < cosines.length; j++) {
            if (cosines[j] >= criteria.minChildCosine() && !dead[j]) {
                children++;
            }
        }
        SplitOutcome outcome = children >= criteria.minChildren() ? SplitOutcome.YES : SplitOutcome.NO;
        String probes = criteria.probes().isEmpty() ? "" : "; the " + criteria.probes().size()
                + " probe prompts need the language model and were not run";
        return new SplitJudgement(children, outcome, String.format(Locale.ROOT,
                "%d live wide latents within cosine %.2f of the target's direction (%d needed)%s", children,
                criteria.minChildCosine(), criteria.minChildren(), probes));
    }

    private static float[] sum(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }
}
