package dev.saesplit.evaluate;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Judges whether the narrow SAE's target latent split in a wide SAE, by behaviour on held-out tokens: which wide
 * latents fire specifically where the target fires (children), which fire on nearly all of it (the parent
 * surviving), and whether the children are distinct and cover the target. Ground truth, where a synthetic
 * source has it, is scored separately and never consulted by the behavioural verdict.
 */
public final class SplitEvaluator {

    /** A non-child latent this close to the target's direction counts as the target still being there. */
    static final double ALIGNED_COSINE = 0.9;
    /** Children beyond this many (by recall) are not followed into the second pass. */
    static final int MAX_CHILDREN = 64;
    static final int NEAR_MISSES = 10;

    private SplitEvaluator() {
    }

    /**
     * What to evaluate.
     *
     * @param wide         the trained wide SAE
     * @param narrow       the narrow SAE
     * @param targetLatent the narrow latent studied
     * @param threshold    the target fires on a token when its activation exceeds this
     * @param zeroedLatent the wide latent forced to zero in training, or -1: never a child or a parent
     * @param filtered     whether the wide SAE was trained only on the target's tokens: its latents are then read
     *                     only there (the reconstruction on all tokens is still reported, ungated)
     */
    public record Subject(SaeWeights wide, SaeWeights narrow, int targetLatent, double threshold, int zeroedLatent,
                          boolean filtered) {
    }

    /** The measurements and verdicts, without the run's identity (see {@link SplitReport}). */
    public record Findings(long heldOutTokens, long targetTokens, ReconstructionSummary all,
                           ReconstructionSummary filtered, List<SplitReport.Latent> children,
                           List<SplitReport.Latent> parents, List<SplitReport.Latent> nearMisses,
                           SplitReport.SetMeasurements split, SplitReport.Verdict verdict,
                           SplitReport.GroundTruthVerdict groundTruth) {
    }

    public static Findings evaluate(Subject s, ActivationSource heldOut, SplitCriteria criteria,
                                    Optional<GroundTruth> truth) {
        float threshold = (float) s.threshold();
        LatentStatistics first = new LatentStatistics(s.wide().dSae(), threshold);
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), false, s.threshold(), first);
        LatentStatistics behaviour = first;
        if (s.filtered()) {
            behaviour = new LatentStatistics(s.wide().dSae(), threshold);
            HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), true, s.threshold(), behaviour);
        }
        float[] targetDirection = s.narrow().decoderRow(s.targetLatent());
        double[] cosines = DecoderCosines.all(s.wide(), targetDirection);

        List<SplitReport.Latent> children = new ArrayList<>();
        List<SplitReport.Latent> parents = new ArrayList<>();
        List<SplitReport.Latent> others = new ArrayList<>();
        for (int j = 0; j < behaviour.dSae(); j++) {
            if (j == s.zeroedLatent() || behaviour.fired(j) == 0) {
                continue;
            }
            SplitReport.Latent latent = new SplitReport.Latent(j, behaviour.specificity(j), behaviour.recall(j),
                    cosines[j], behaviour.meanActivation(j), behaviour.maxActivation(j), behaviour.frequency(j));
            boolean specific = latent.specificity() >= criteria.minSpecificity();
            if (specific && latent.recall() >= criteria.maxChildRecall()) {
                parents.add(latent);
            } else if (specific && latent.recall() >= criteria.minRecall()) {
                children.add(latent);
            } else {
                others.add(latent);
            }
        }
        Comparator<SplitReport.Latent> byRecall = Comparator.comparingDouble(SplitReport.Latent::recall).reversed();
        children.sort(byRecall);
        parents.sort(byRecall);
        if (children.size() > MAX_CHILDREN) {
            children.subList(MAX_CHILDREN, children.size()).clear();
        }
        others.sort(Comparator.comparingDouble((SplitReport.Latent l) -> l.specificity() * l.recall()).reversed());
        List<SplitReport.Latent> nearMisses = others.subList(0, Math.min(NEAR_MISSES, others.size()));

        SplitReport.SetMeasurements split = measureSet(s, heldOut, criteria, children, cosines);
        SplitReport.Verdict verdict = BehaviouralVerdict.judge(criteria, first.targetTokens(), first.tokens(),
                children, parents, split);
        SplitReport.GroundTruthVerdict exact = truth
                .map(t -> GroundTruthJudge.judge(s.wide(), targetDirection, criteria, t, children))
                .orElse(null);
        return new Findings(first.tokens(), first.targetTokens(), first.reconstructionOnAll(),
                first.reconstructionOnTarget(), children, parents, List.copyOf(nearMisses), split, verdict, exact);
    }

    private static SplitReport.SetMeasurements measureSet(Subject s, ActivationSource heldOut, SplitCriteria criteria,
                                                          List<SplitReport.Latent> children, double[] cosines) {
        int k = children.size();
        if (k == 0) {
            return new SplitReport.SetMeasurements(0, 0, new double[0][0], new double[0][0], 0, 0);
        }
        int[] childIndices = children.stream().mapToInt(SplitReport.Latent::latent).toArray();
        List<Integer> alignedList = new ArrayList<>();
        for (int j = 0; j < cosines.length; j++) {
            if (cosines[j] >= ALIGNED_COSINE && j != s.zeroedLatent() && !contains(childIndices, j)) {
                alignedList.add(j);
            }
        }
        int[] aligned = alignedList.stream().mapToInt(Integer::intValue).toArray();
        ChildStatistics second = new ChildStatistics((float) s.threshold(), childIndices, aligned,
                s.narrow().decoderRow(s.targetLatent()));
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), s.filtered(), s.threshold(), second);
        double[][] cosine = new double[k][k];
        double[][] jaccard = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                cosine[a][b] = DecoderCosines.cosine(s.wide().decoderRow(childIndices[a]),
                        s.wide().decoderRow(childIndices[b]));
                jaccard[a][b] = second.jaccard(a, b);
            }
        }
        return new SplitReport.SetMeasurements(DistinctChildren.count(jaccard, cosine, criteria.maxChildJaccard()),
                second.coverage(), cosine, jaccard, second.contributionExplained(), second.absorption());
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }
}
