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
import java.util.Set;
import java.util.stream.Collectors;

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
    /** A wide latent fires on a token when its activation exceeds this fraction of its mean where positive. */
    static final double FIRING_FRACTION = 0.3;

    private SplitEvaluator() {
    }

    /**
     * What to evaluate. A wide SAE trained on filtered data never saw a token without the target's direction in
     * it, so on tokens where the target is quiet it reads them with the target's mean contribution added
     * (f̄_t · d_t): the question is then whether a latent fires there when the target is present, and a latent
     * for anything but a child of the target (a background feature that co-occurs with it) does. Its
     * reconstruction is still measured on the tokens as they are.
     *
     * @param wide         the trained wide SAE
     * @param narrow       the narrow SAE
     * @param targetLatent the narrow latent studied
     * @param threshold    the target fires on a token when its activation exceeds this
     * @param zeroedLatent the wide latent forced to zero in training, or -1: never a child or a parent
     * @param filtered     whether the wide SAE was trained only on the target's tokens
     */
    public record Subject(SaeWeights wide, SaeWeights narrow, int targetLatent, double threshold, int zeroedLatent,
                          boolean filtered) {
    }

    /** The measurements and verdicts, without the run's identity (see {@link SplitReport}). */
    public record Findings(long heldOutTokens, long targetTokens, ReconstructionSummary all,
                           ReconstructionSummary filtered, List<SplitReport.Latent> children,
                           List<SplitReport.Latent> parents, List<SplitReport.Latent> nearMisses,
                           SplitReport.SetMeasurements split, SplitReport.Verdict verdict,
                           SplitReport.GroundTruthVerdict groundTruth, HeldOutPass.OffTargetShift shift) {
    }

    static Findings evaluate(Subject s, ActivationSource heldOut, SplitCriteria criteria,
                             Optional<HeldOutTruth> truth) {
        float threshold = (float) s.threshold();
        LatentStatistics first = new LatentStatistics(s.wide().dSae(), threshold);
        ReconstructionStatistics reconstruction = new ReconstructionStatistics(s.wide().dSae(), threshold);
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), first, reconstruction);
        HeldOutPass.OffTargetShift shift = s.filtered() ? new HeldOutPass.OffTargetShift(s.threshold(),
                scaled(s.narrow().decoderRow(s.targetLatent()), first.meanTargetActivation())) : null;
        LatentStatistics positive = first;
        if (shift != null) {
            positive = new LatentStatistics(s.wide().dSae(), threshold);
            HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), shift, positive);
        }
        float[] levels = firingLevels(positive);
        LatentStatistics behaviour = new LatentStatistics(threshold, levels);
        Optional<GroundTruthFiring> truthFiring = truth.map(t -> new GroundTruthFiring(t, threshold));
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), shift, truthFiring.isPresent()
                ? new HeldOutPass.Visitor[] {behaviour, truthFiring.get()} : new HeldOutPass.Visitor[] {behaviour});
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

        // The exact verdict follows the target's own ground-truth features into the wide latents in the pass that
        // measures the children, so it costs no pass of its own.
        Optional<FeatureLatentFiring> featureFiring = truth.map(t -> new FeatureLatentFiring(t,
                GroundTruthJudge.ownFeatures(truthFiring.get(), criteria), levels));
        SplitReport.SetMeasurements split = measureSet(s, heldOut, shift, criteria, children, cosines, levels,
                otherFeatures(behaviour, s.zeroedLatent(), criteria), featureFiring);
        SplitReport.Verdict verdict = BehaviouralVerdict.judge(criteria, behaviour.targetTokens(), behaviour.tokens(),
                children, parents, split);
        SplitReport.GroundTruthVerdict exact = truth
                .map(t -> GroundTruthJudge.judge(s.wide(), criteria, t, truthFiring.get(), featureFiring.get(),
                        behaviour, children))
                .orElse(null);
        return new Findings(first.tokens(), first.targetTokens(), reconstruction.onAll(), reconstruction.onTarget(), children, parents, List.copyOf(nearMisses), split, verdict, exact, shift);
    }

    /**
     * Per wide latent, whether it is a latent of another feature: it fires without the target on more than
     * {@code 1 − min_specificity} of its tokens.
     */
    private static boolean[] otherFeatures(LatentStatistics behaviour, int zeroedLatent, SplitCriteria criteria) {
        boolean[] others = new boolean[behaviour.dSae()];
        for (int j = 0; j < others.length; j++) {
            others[j] = j != zeroedLatent && behaviour.fired(j) > 0
                    && behaviour.specificity(j) < criteria.minSpecificity();
        }
        return others;
    }

    /** Per wide latent, what one unit of it adds to the target's pre-activation: its decoder row · the encoder's. */
    private static float[] drive(Subject s) {
        double[] dots = DecoderCosines.dots(s.wide(), s.narrow().encoderColumn(s.targetLatent()));
        float[] drive = new float[dots.length];
        for (int j = 0; j < drive.length; j++) {
            drive[j] = (float) dots[j];
        }
        return drive;
    }

    /** {@code v} times {@code factor}. */
    private static float[] scaled(float[] v, double factor) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] * factor);
        }
        return out;
    }

    /**
     * Per wide latent, the activation above which it counts as firing: {@link #FIRING_FRACTION} of its mean where
     * positive. A latent whose decoder carries the parent fires weakly on every parent token; counting that as
     * firing would blur a child into its siblings and off the target's tokens.
     */
    private static float[] firingLevels(LatentStatistics positive) {
        float[] levels = new float[positive.dSae()];
        for (int j = 0; j < levels.length; j++) {
            levels[j] = (float) (FIRING_FRACTION * positive.meanActivation(j));
        }
        return levels;
    }

    private static SplitReport.SetMeasurements measureSet(Subject s, ActivationSource heldOut,
                                                          HeldOutPass.OffTargetShift shift, SplitCriteria criteria,
                                                          List<SplitReport.Latent> children, double[] cosines,
                                                          float[] levels, boolean[] otherFeatures,
                                                          Optional<FeatureLatentFiring> featureFiring) {
        int k = children.size();
        if (k == 0) {
            featureFiring.ifPresent(f -> HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), shift, f));
            return new SplitReport.SetMeasurements(0, 0, 0, 0, 0, new double[0][0], new double[0][0], new double[0][0],
                    0, 0);
        }
        int[] childIndices = children.stream().mapToInt(SplitReport.Latent::latent).toArray();
        Set<Integer> childSet = children.stream().map(SplitReport.Latent::latent).collect(Collectors.toSet());
        List<Integer> alignedList = new ArrayList<>();
        for (int j = 0; j < cosines.length; j++) {
            if (cosines[j] >= ALIGNED_COSINE && j != s.zeroedLatent() && !childSet.contains(j)) {
                alignedList.add(j);
            }
        }
        int[] aligned = alignedList.stream().mapToInt(Integer::intValue).toArray();
        ChildStatistics second = new ChildStatistics((float) s.threshold(), childIndices, aligned, drive(s),
                otherFeatures, s.narrow().decoderRow(s.targetLatent()), levels);
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), shift, featureFiring.isPresent()
                ? new HeldOutPass.Visitor[] {second, featureFiring.get()} : new HeldOutPass.Visitor[] {second});
        double[][] cosine = new double[k][k];
        double[][] jaccard = new double[k][k];
        double[][] containment = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                cosine[a][b] = DecoderCosines.cosine(s.wide().decoderRow(childIndices[a]),
                        s.wide().decoderRow(childIndices[b]));
                jaccard[a][b] = second.jaccard(a, b);
                containment[a][b] = second.containment(a, b);
            }
        }
        return new SplitReport.SetMeasurements(DistinctChildren.count(jaccard, cosine, containment,
                criteria.maxChildJaccard(), criteria.maxChildOverlap()), second.coverage(), second.activationCoverage(),
                second.activationElsewhere(), second.ownActivationCoverage(), cosine, jaccard, containment,
                second.contributionExplained(), second.absorption());
    }
}
