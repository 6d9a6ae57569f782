package dev.saesplit.evaluate;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
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
    /** Quiet tokens read, moved, to measure how often a filtered SAE's latents fire off the target's tokens. */
    static final int OFF_TARGET_ROWS = 8192;

    private SplitEvaluator() {
    }

    /**
     * What to evaluate. A wide SAE trained on filtered data is read only on the target's tokens, the only tokens it
     * was trained for ({@link HeldOutPass.TargetTokensOnly}); its latents are sorted by decoder and by what the
     * narrow SAE saw ({@link FilteredLatentRoles}) instead of by specificity, which is 1 for all of them there.
     * Its reconstruction is still measured on all tokens as they are.
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
                           List<SplitReport.SetAside> setAside, SplitReport.SetMeasurements split,
                           SplitReport.Verdict verdict, SplitReport.GroundTruthVerdict groundTruth,
                           HeldOutPass.TargetTokensOnly only) {
    }

    static Findings evaluate(Subject s, ActivationSource heldOut, SplitCriteria criteria,
                             Optional<HeldOutTruth> truth) {
        float threshold = (float) s.threshold();
        // Every wide latent's firing where positive on every held-out token, read with the reconstruction.
        LatentStatistics onEveryToken = new LatentStatistics(s.wide().dSae(), threshold);
        ReconstructionStatistics reconstruction = new ReconstructionStatistics(s.wide().dSae(), threshold);
        HeldOutPass.TargetTokensOnly only = s.filtered() ? new HeldOutPass.TargetTokensOnly(s.threshold()) : null;
        // The mean activation where positive that sets each latent's firing level, on the tokens the wide SAE is
        // read on: every token, or only the target's for an SAE trained on filtered data.
        LatentStatistics meansWherePositive = onEveryToken;
        LatentStatistics narrowRates = null;
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), onEveryToken, reconstruction);
        if (only != null) {
            meansWherePositive = new LatentStatistics(s.wide().dSae(), threshold);
            narrowRates = new LatentStatistics(s.narrow().dSae(), threshold);
            HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), only, meansWherePositive);
            HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.narrow(), narrowRates);
        }
        float[] levels = firingLevels(meansWherePositive);
        // Specificity and recall, each latent counted as firing only above its level: what the verdict sorts by.
        LatentStatistics firingAboveLevels = new LatentStatistics(threshold, levels);
        Optional<GroundTruthFiring> truthFiring = truth.map(t -> new GroundTruthFiring(t, threshold));
        TargetMeans means = only == null ? null : new TargetMeans(threshold, s.wide().dIn(), levels);
        List<HeldOutPass.Visitor> visitors = new ArrayList<>(List.of(firingAboveLevels));
        truthFiring.ifPresent(visitors::add);
        if (means != null) {
            visitors.add(means);
        }
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), only,
                visitors.toArray(new HeldOutPass.Visitor[0]));
        OffTargetFiring offTarget = null;
        if (only != null) {
            // The wide SAE reads the quiet tokens here, moved: the shift is what lets it read them at all.
            offTarget = offTargetFiring(threshold, firingAboveLevels, means, levels, criteria);
            HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), offTarget);
        }
        float[] targetDirection = s.narrow().decoderRow(s.targetLatent());
        double[] cosines = DecoderCosines.all(s.wide(), targetDirection);

        Sorted sorted = sort(s, firingAboveLevels, cosines, narrowRates, offTarget, criteria);
        List<SplitReport.Latent> children = sorted.children();
        // The exact verdict follows the target's own ground-truth features into the wide latents in the pass that
        // measures the children, so it costs no pass of its own.
        Optional<FeatureLatentFiring> featureFiring = truth.map(t -> new FeatureLatentFiring(t,
                GroundTruthJudge.ownFeatures(truthFiring.get(), criteria, s.filtered()), levels,
                only == null ? Float.NEGATIVE_INFINITY : threshold));
        SplitReport.SetMeasurements split = measureSet(s, heldOut, only, criteria, children, cosines, levels,
                sorted.otherFeatures(), featureFiring);
        SplitReport.Verdict verdict = BehaviouralVerdict.judge(criteria, firingAboveLevels.targetTokens(),
                firingAboveLevels.tokens(), children, sorted.parents(), sorted.setAside(), split);
        SplitReport.GroundTruthVerdict exact = truth
                .map(t -> GroundTruthJudge.judge(s.wide(), s.filtered(), criteria, t, truthFiring.get(), featureFiring.get(),
                        firingAboveLevels, children))
                .orElse(null);
        return new Findings(onEveryToken.tokens(), onEveryToken.targetTokens(), reconstruction.onAll(),
                reconstruction.onTarget(), children, sorted.parents(), sorted.nearMisses(), sorted.setAside(), split,
                verdict, exact, only);
    }

    /**
     * The wide latents that fire, sorted: children, the parent surviving, the most specific others (near misses);
     * on an SAE trained on filtered data also those set aside, and which latents are other features'.
     */
    private record Sorted(List<SplitReport.Latent> children, List<SplitReport.Latent> parents,
                          List<SplitReport.Latent> nearMisses, List<SplitReport.SetAside> setAside,
                          boolean[] otherFeatures) {
    }

    /**
     * @param narrowRates the narrow latents' firing, for an SAE trained on filtered data; else null
     * @param offTarget   its latents' firing off the target's tokens, moved to the target's mean; else null
     */
    private static Sorted sort(Subject s, LatentStatistics firingAboveLevels, double[] cosines,
                               LatentStatistics narrowRates, OffTargetFiring offTarget, SplitCriteria criteria) {
        List<SplitReport.Latent> children = new ArrayList<>();
        List<SplitReport.Latent> parents = new ArrayList<>();
        List<SplitReport.Latent> others = new ArrayList<>();
        List<SplitReport.Latent> firing = new ArrayList<>();
        for (int j = 0; j < firingAboveLevels.dSae(); j++) {
            if (j == s.zeroedLatent() || firingAboveLevels.fired(j) == 0) {
                continue;
            }
            SplitReport.Latent latent = new SplitReport.Latent(j, firingAboveLevels.specificity(j),
                    firingAboveLevels.recall(j), cosines[j], firingAboveLevels.meanActivation(j),
                    firingAboveLevels.maxActivation(j), firingAboveLevels.frequency(j));
            firing.add(latent);
            boolean specific = latent.specificity() >= criteria.minSpecificity();
            if (specific && latent.recall() >= criteria.maxChildRecall()) {
                parents.add(latent);
            } else if (specific && latent.recall() >= criteria.minRecall()) {
                children.add(latent);
            } else {
                others.add(latent);
            }
        }
        List<SplitReport.SetAside> setAside = List.of();
        boolean[] otherFeatures = otherFeatures(firingAboveLevels, s.zeroedLatent(), criteria);
        if (narrowRates != null) {
            FilteredLatentRoles.Roles roles = FilteredLatentRoles.sort(s.wide(), s.narrow(), s.targetLatent(),
                    firing, narrowRates, offTarget, criteria);
            children = new ArrayList<>(roles.children());
            parents = new ArrayList<>(roles.parents());
            setAside = roles.setAside();
            others = new ArrayList<>(firing);
            others.removeAll(children);
            others.removeAll(parents);
            otherFeatures = new boolean[firingAboveLevels.dSae()];
            for (SplitReport.SetAside latent : setAside) {
                otherFeatures[latent.latent()] = !latent.why().equals(SplitReport.SetAside.MAGNITUDE);
            }
        }
        Comparator<SplitReport.Latent> byRecall = Comparator.comparingDouble(SplitReport.Latent::recall).reversed();
        children.sort(byRecall);
        parents.sort(byRecall);
        if (children.size() > MAX_CHILDREN) {
            children.subList(MAX_CHILDREN, children.size()).clear();
        }
        others.sort(Comparator.comparingDouble((SplitReport.Latent l) -> l.specificity() * l.recall()).reversed());
        return new Sorted(children, parents, List.copyOf(others.subList(0, Math.min(NEAR_MISSES, others.size()))),
                setAside, otherFeatures);

    }

    /**
     * Per wide latent, whether it is a latent of another feature: it fires without the target on more than
     * {@code 1 − min_specificity} of its tokens.
     */
    private static boolean[] otherFeatures(LatentStatistics firingAboveLevels, int zeroedLatent,
                                           SplitCriteria criteria) {
        boolean[] others = new boolean[firingAboveLevels.dSae()];
        for (int j = 0; j < others.length; j++) {
            others[j] = j != zeroedLatent && firingAboveLevels.fired(j) > 0
                    && firingAboveLevels.specificity(j) < criteria.minSpecificity();
        }
        return others;
    }

    /** Off-target firing of the latents that fire on enough of the target's tokens to be children. */
    private static OffTargetFiring offTargetFiring(float threshold, LatentStatistics firingAboveLevels,
                                                   TargetMeans means, float[] levels, SplitCriteria criteria) {
        List<Integer> candidates = new ArrayList<>();
        for (int j = 0; j < firingAboveLevels.dSae(); j++) {
            if (firingAboveLevels.fired(j) > 0 && firingAboveLevels.recall(j) >= criteria.minRecall()) {
                candidates.add(j);
            }
        }
        candidates.sort(Comparator.comparingDouble(firingAboveLevels::recall).reversed());
        int[] chosen = candidates.stream().limit(MAX_CHILDREN).mapToInt(Integer::intValue).toArray();
        float[][] offsets = new float[chosen.length][];
        for (int c = 0; c < chosen.length; c++) {
            offsets[c] = means.offsetWithout(chosen[c]);
        }
        return new OffTargetFiring(threshold, chosen, offsets, levels, means.quietMean(), OFF_TARGET_ROWS);
    }

    /** The target's activation on the wide SAE's decoder bias alone, read by the narrow SAE. */
    private static float biasReading(Subject s) {
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder narrow = SparseAutoencoder.upload(s.narrow(), manager)) {
            float[] bias = s.wide().decoderBias();
            return narrow.encode(manager.create(bias, new Shape(1, bias.length)))
                    .get(new NDIndex(":, {}", s.targetLatent())).getFloat(0);
        }
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

    /**
     * Per wide latent, the activation above which it counts as firing: {@link #FIRING_FRACTION} of its mean where
     * positive. A latent whose decoder carries the parent fires weakly on every parent token; counting that as
     * firing would blur a child into its siblings and off the target's tokens.
     */
    private static float[] firingLevels(LatentStatistics meansWherePositive) {
        float[] levels = new float[meansWherePositive.dSae()];
        for (int j = 0; j < levels.length; j++) {
            levels[j] = (float) (FIRING_FRACTION * meansWherePositive.meanActivation(j));
        }
        return levels;
    }

    private static SplitReport.SetMeasurements measureSet(Subject s, ActivationSource heldOut,
                                                          HeldOutPass.TargetTokensOnly only, SplitCriteria criteria,
                                                          List<SplitReport.Latent> children, double[] cosines,
                                                          float[] levels, boolean[] otherFeatures,
                                                          Optional<FeatureLatentFiring> featureFiring) {
        int k = children.size();
        if (k == 0) {
            featureFiring.ifPresent(f -> HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), only, f));
            return new SplitReport.SetMeasurements(0, 0, 0, 0, 0, 0, new double[0][0], new double[0][0], new double[0][0],
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
        ChildStatistics childrenAsSet = new ChildStatistics((float) s.threshold(), childIndices, aligned, drive(s),
                otherFeatures, s.narrow().decoderRow(s.targetLatent()), levels,
                only == null ? 0f : biasReading(s));
        HeldOutPass.run(heldOut, s.narrow(), s.targetLatent(), s.wide(), only, featureFiring.isPresent()
                ? new HeldOutPass.Visitor[] {childrenAsSet, featureFiring.get()}
                : new HeldOutPass.Visitor[] {childrenAsSet});
        double[][] cosine = new double[k][k];
        double[][] jaccard = new double[k][k];
        double[][] containment = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                cosine[a][b] = DecoderCosines.cosine(s.wide().decoderRow(childIndices[a]),
                        s.wide().decoderRow(childIndices[b]));
                jaccard[a][b] = childrenAsSet.jaccard(a, b);
                containment[a][b] = childrenAsSet.containment(a, b);
            }
        }
        return new SplitReport.SetMeasurements(DistinctChildren.count(jaccard, cosine, containment,
                criteria.maxChildJaccard(), criteria.maxChildOverlap()), childrenAsSet.coverage(),
                childrenAsSet.activationCoverage(), childrenAsSet.activationElsewhere(),
                childrenAsSet.ownActivationCoverage(), childrenAsSet.biasCoverage(), cosine, jaccard, containment,
                childrenAsSet.contributionExplained(), childrenAsSet.absorption());
    }
}
