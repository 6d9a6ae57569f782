package dev.saesplit.evaluate;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ReadCountingSource;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The behavioural verdict on wide SAEs built by hand from a known hierarchy, where the right answer is not in
 * doubt: every child learned, some learned, none learned, the parent copied twice, a target with no children.
 * The evaluator never sees the ground truth for its behavioural verdict; it is checked against the exact one.
 */
class SplitEvaluatorTest {

    private static final double THRESHOLD = 0.5;

    @TempDir
    static Path dir;
    private static GroundTruth truth;
    private static ActivationCacheReader data;
    private static HierarchyParent parent;
    private static SaeWeights narrow;

    @BeforeAll
    static void generate() throws Exception {
        truth = SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(256, 40, 2, 3, 0.02, 40_000, 3),
                dir.resolve("data"));
        data = ActivationCacheReader.open(dir.resolve("data"));
        parent = truth.parents().get(0);
        // The narrow SAE: latent 0 reads parent 0, latent 1 reads an independent feature (a leaf).
        narrow = OracleSaes.of(truth, List.of(direction(parent.feature()), direction(leaf())));
    }

    @Test
    void aWideSaeWithALatentPerChildSplitsAndItsChildrenAreTheTrueOnes() {
        List<Object> latents = new ArrayList<>(background(6));
        parent.children().forEach(c -> latents.add(composed(c)));

        SplitEvaluator.Findings f = evaluate(OracleSaes.of(truth, latents), 0, SplitCriteria.DEFAULTS, -1);

        assertEquals(SplitOutcome.YES, f.verdict().outcome(), f.verdict().reason());
        assertEquals(List.of(6, 7, 8), f.children().stream().map(SplitReport.Latent::latent).sorted().toList());
        assertEquals(SplitOutcome.YES, f.groundTruth().outcome(), f.groundTruth().reason());
        assertEquals(1.0, f.groundTruth().precision());
        assertTrue(f.split().coverage() > 0.95, "coverage " + f.split().coverage());
        assertTrue(f.split().absorption() > 0.95, "no latent along the parent remains: " + f.split().absorption());
    }

    @Test
    void childrenBesideASurvivingParentStillSplitAndTheParentIsNotAChild() {
        List<Object> latents = new ArrayList<>(List.of(direction(parent.feature())));
        parent.children().forEach(c -> latents.add(direction(c)));

        SplitEvaluator.Findings f = evaluate(OracleSaes.of(truth, latents), 0, SplitCriteria.DEFAULTS, -1);

        assertEquals(SplitOutcome.YES, f.verdict().outcome(), f.verdict().reason());
        assertEquals(List.of(0), f.parents().stream().map(SplitReport.Latent::latent).toList());
        assertFalse(f.children().stream().anyMatch(l -> l.latent() == 0));
        assertTrue(f.split().absorption() < 0.05, "the parent fires beside its children: " + f.split().absorption());
    }

    @Test
    void twoChildrenOfThreeArePartialAndAThresholdFromTheSpecTurnsItIntoYes() {
        List<Object> latents = new ArrayList<>(background(4));
        parent.children().subList(0, 2).forEach(c -> latents.add(direction(c)));
        SaeWeights wide = OracleSaes.of(truth, latents);

        SplitEvaluator.Findings strict = evaluate(wide, 0, SplitCriteria.DEFAULTS, -1);
        SplitEvaluator.Findings lenient = evaluate(wide, 0, criteria(2, 0.5), -1);
        SplitEvaluator.Findings demanding = evaluate(wide, 0, criteria(3, 0.5), -1);

        assertEquals(SplitOutcome.PARTIAL, strict.verdict().outcome(), strict.verdict().reason());
        assertEquals(SplitOutcome.PARTIAL, strict.groundTruth().outcome());
        assertEquals(SplitOutcome.YES, lenient.verdict().outcome(), lenient.verdict().reason());
        assertEquals(SplitOutcome.NO, demanding.verdict().outcome(), demanding.verdict().reason());
    }

    @Test
    void copyingTheNarrowSaeAndLeavingTheRestRandomIsNoSplit() {
        List<Object> latents = new ArrayList<>(List.of(direction(parent.feature()), direction(leaf())));
        for (int j = 0; j < 30; j++) {
            latents.add(OracleSaes.nudged(new float[truth.config().dIn()], 1.0, 100 + j));
        }

        SplitEvaluator.Findings f = evaluate(OracleSaes.of(truth, latents), 0, SplitCriteria.DEFAULTS, -1);

        assertEquals(SplitOutcome.NO, f.verdict().outcome(), f.verdict().reason());
        assertEquals(SplitOutcome.NO, f.groundTruth().outcome());
        assertTrue(f.split().distinctChildren() < 2, "children " + f.children());
        assertEquals(List.of(0), f.parents().stream().map(SplitReport.Latent::latent).toList());
    }

    @Test
    void twoNearCopiesOfTheParentDirectionAreNoSplitEvenWhenTheyShareItsTokensByMagnitude() {
        float[] p = direction(parent.feature());
        SaeWeights copies = OracleSaes.of(truth, List.of(OracleSaes.nudged(p, 0.02, 1), OracleSaes.nudged(p, 0.02, 2)));
        // The second copy fires only on strong parent tokens: a split by magnitude, not by meaning.
        float[] bias = copies.encoderBias();
        bias[1] = -2.0f;
        SaeWeights byMagnitude = new SaeWeights(copies.config(), copies.encoderWeights(), bias,
                copies.decoderWeights(), copies.decoderBias());

        SplitEvaluator.Findings together = evaluate(copies, 0, SplitCriteria.DEFAULTS, -1);
        SplitEvaluator.Findings split = evaluate(byMagnitude, 0, SplitCriteria.DEFAULTS, -1);

        assertEquals(SplitOutcome.NO, together.verdict().outcome(), together.verdict().reason());
        assertEquals(SplitOutcome.NO, split.verdict().outcome(), split.verdict().reason());
        assertEquals(SplitOutcome.NO, split.groundTruth().outcome());
    }

    @Test
    void aLeafSplitByMagnitudeIntoNestedLatentsIsNoSplit() {
        // Both latents read the leaf; one fires on its strong tokens, the other on all but its weak ones, so the
        // first fires only where the second does. Their decoders differ (cosine about 0.9) and their firing sets
        // overlap less than the Jaccard limit: only the children's exclusivity tells them apart from two children.
        float[] leaf = direction(leaf());
        SaeWeights nested = withBiases(OracleSaes.of(truth, List.of(
                new OracleSaes.Latent(leaf, leaf), new OracleSaes.Latent(leaf, OracleSaes.nudged(leaf, 0.03, 5)))),
                -2.5f, -1.5f);

        SplitEvaluator.Findings f = evaluate(nested, 1, SplitCriteria.DEFAULTS, -1);

        assertEquals(2, f.children().size(), "both latents are specific to the leaf: " + f.children());
        assertTrue(f.split().pairwiseJaccard()[0][1] <= SplitCriteria.DEFAULTS.maxChildJaccard(),
                "Jaccard " + f.split().pairwiseJaccard()[0][1]);
        assertTrue(f.split().pairwiseCosine()[0][1] < DistinctChildren.DUPLICATE_COSINE);
        assertEquals(1, f.split().distinctChildren());
        assertEquals(SplitOutcome.NO, f.verdict().outcome(), f.verdict().reason());
        assertTrue(f.verdict().reason().contains("not two children"), f.verdict().reason());
        assertEquals(SplitOutcome.NO, f.groundTruth().outcome(), f.groundTruth().reason());

        // A spec that allows children to fire together counts them as two.
        SplitCriteria d = SplitCriteria.DEFAULTS;
        SplitEvaluator.Findings overlapping = evaluate(nested, 1, new SplitCriteria(d.minChildren(),
                d.minSpecificity(), d.minRecall(), d.maxChildRecall(), d.minCoverage(), d.maxChildJaccard(), 1.0,
                List.of()), -1);
        assertEquals(2, overlapping.split().distinctChildren());
        assertTrue(overlapping.verdict().outcome() != SplitOutcome.NO, overlapping.verdict().reason());
    }

    @Test
    void theTargetsFiringOnAnotherFeaturesTokensDoesNotCountAgainstTheSplit() {
        // A narrow latent that reads the parent and part of an independent feature fires on the parent's tokens
        // and on the strong tokens of that feature (about 60 % of them, too few to make it one of its own).
        int other = truth.config().firstIndependentFeature() + 7;
        float[] reads = DecoderCosines.sum(direction(parent.feature()), scaled(direction(other), 0.7f));
        SaeWeights leaky = OracleSaes.of(truth, List.of(new OracleSaes.Latent(reads, reads)));
        List<Object> latents = new ArrayList<>(background(4));
        latents.add(direction(other));
        parent.children().forEach(c -> latents.add(composed(c)));

        SplitEvaluator.Findings f = SplitEvaluator.evaluate(new SplitEvaluator.Subject(OracleSaes.of(truth, latents),
                leaky, 0, THRESHOLD, -1, false), data, SplitCriteria.DEFAULTS,
                Optional.of(HeldOutTruth.of(dir.resolve("data"), 0)));

        assertEquals(SplitOutcome.YES, f.groundTruth().outcome(), f.groundTruth().reason());
        assertTrue(f.split().activationCoverage() < SplitCriteria.DEFAULTS.minCoverage(),
                "the children leave the other feature's tokens uncovered: " + f.split().activationCoverage());
        assertTrue(f.split().activationElsewhere() > 0.05, "elsewhere " + f.split().activationElsewhere());
        assertTrue(f.split().ownActivationCoverage() > 0.95, "own " + f.split().ownActivationCoverage());
        assertEquals(SplitOutcome.YES, f.verdict().outcome(), f.verdict().reason());
    }

    @Test
    void aChildsLatentThatAlsoTakesTheBareParentIsStillThatChildsLatent() throws Exception {
        // The parent fires alone on 40 % of its tokens. One child's latent reads the parent and reads the other
        // children negatively, so it fires on its child's tokens and on the bare parent's, as a child latent that
        // absorbed the parent does (more of its firing is on the bare parent than on its child); the other
        // children have latents of their own.
        Path bareDir = dir.resolve("bare");
        GroundTruth bare = SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(256, 40, 2, 3, 0.02, 40_000, 3)
                .withChildProbability(0.6), bareDir);
        HierarchyParent p = bare.parents().get(0);
        List<Integer> children = p.children();
        float[] reads = bare.direction(p.feature());
        for (int c : children.subList(1, children.size())) {
            reads = DecoderCosines.sum(reads, scaled(bare.direction(c), -2));
        }
        List<Object> latents = new ArrayList<>(List.of(new OracleSaes.Latent(reads,
                DecoderCosines.sum(bare.direction(p.feature()), bare.direction(children.get(0))))));
        for (int c : children.subList(1, children.size())) {
            latents.add(new OracleSaes.Latent(bare.direction(c), DecoderCosines.sum(bare.direction(p.feature()),
                    bare.direction(c))));
        }
        try (ActivationCacheReader bareData = ActivationCacheReader.open(bareDir)) {
            SaeWeights wide = OracleSaes.of(bare, latents);
            float[] biases = wide.encoderBias();
            biases[0] = -0.3f; // fires on nearly every bare parent, and above the interference of other features
            SplitEvaluator.Findings f = SplitEvaluator.evaluate(new SplitEvaluator.Subject(withBiases(wide, biases),
                    OracleSaes.of(bare, List.of(bare.direction(p.feature()))), 0, THRESHOLD, -1, false),
                    bareData, SplitCriteria.DEFAULTS, Optional.of(HeldOutTruth.of(bareDir, 0)));

            assertEquals(SplitOutcome.YES, f.groundTruth().outcome(), f.groundTruth().reason());
            assertEquals(3, f.groundTruth().matches().size());
            assertEquals(SplitOutcome.YES, f.verdict().outcome(), f.verdict().reason());
        }
    }

    @Test
    void aTargetThatIsALeafHasNothingToSplitInto() {
        List<Object> latents = new ArrayList<>(background(8));
        latents.add(direction(leaf()));
        parent.children().forEach(c -> latents.add(direction(c)));

        SplitEvaluator.Findings f = evaluate(OracleSaes.of(truth, latents), 1, SplitCriteria.DEFAULTS, -1);

        assertEquals(SplitOutcome.NO, f.verdict().outcome(), f.verdict().reason());
        assertEquals(SplitOutcome.NO, f.groundTruth().outcome(), f.groundTruth().reason());
        assertEquals(-1, f.groundTruth().parent());
    }

    @Test
    void theLatentZeroedInTrainingIsNeverItsOwnChildNorTheParent() {
        List<Object> latents = new ArrayList<>(List.of(direction(parent.feature())));
        parent.children().subList(0, 1).forEach(c -> latents.add(composed(c)));
        SaeWeights wide = OracleSaes.of(truth, latents);

        SplitEvaluator.Findings f = evaluate(wide, 0, SplitCriteria.DEFAULTS, 0);

        assertFalse(f.children().stream().anyMatch(l -> l.latent() == 0), "children " + f.children());
        assertTrue(f.parents().isEmpty(), "parents " + f.parents());
        assertEquals(SplitOutcome.NO, f.verdict().outcome(), f.verdict().reason());
    }

    @Test
    void reconstructionIsReportedOnAllHeldOutTokensAndOnTheTargetsOwn() {
        List<Object> latents = new ArrayList<>(background(6));
        parent.children().forEach(c -> latents.add(composed(c)));

        SplitEvaluator.Findings f = evaluate(OracleSaes.of(truth, latents), 0, SplitCriteria.DEFAULTS, -1);

        assertEquals(data.tokens(), f.all().tokens());
        assertEquals(f.targetTokens(), f.filtered().tokens());
        assertTrue(f.filtered().tokens() > 0 && f.filtered().tokens() < f.all().tokens());
        assertTrue(f.filtered().l0() > f.all().l0(), "children fire on the target's tokens");
    }

    /**
     * How a cancelled evaluation stops: the activity's scan source throws at its first read after the cancellation
     * (as {@code ScanHeartbeat.counting} does), and the evaluator reads no row after that, mid-pass.
     */
    @Test
    void anEvaluationStoppedMidPassReadsNoRowAfterwards() {
        long stopAfter = 3 * HeldOutPass.BLOCK / 2;
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicLong readAfterStop = new AtomicLong();
        ActivationSource underlying = new ReadCountingSource(data, read -> {
            if (stopped.get()) {
                readAfterStop.incrementAndGet();
            }
        });
        ActivationSource cancellable = new ReadCountingSource(underlying, read -> {
            if (read > stopAfter) {
                stopped.set(true);
                throw new CancellationException("cancelled after " + read + " rows");
            }
        });

        CancellationException e = assertThrows(CancellationException.class, () -> SplitEvaluator.evaluate(
                new SplitEvaluator.Subject(OracleSaes.of(truth, background(4)), narrow, 0, THRESHOLD, -1, false),
                cancellable, SplitCriteria.DEFAULTS, Optional.empty()));

        assertEquals("cancelled after " + 2 * HeldOutPass.BLOCK + " rows", e.getMessage(), "the first read past it");
        assertEquals(0, readAfterStop.get());
    }

    private static SplitEvaluator.Findings evaluate(SaeWeights wide, int target, SplitCriteria criteria, int zeroed) {
        return SplitEvaluator.evaluate(new SplitEvaluator.Subject(wide, narrow, target, THRESHOLD, zeroed, false), data,
                criteria, Optional.of(HeldOutTruth.of(dir.resolve("data"), 0)));
    }

    private static SplitCriteria criteria(int minChildren, double minCoverage) {
        SplitCriteria d = SplitCriteria.DEFAULTS;
        return new SplitCriteria(minChildren, d.minSpecificity(), d.minRecall(), d.maxChildRecall(), minCoverage,
                d.maxChildJaccard(), d.maxChildOverlap(), List.of());
    }

    private static SaeWeights withBiases(SaeWeights sae, float... biases) {
        return new SaeWeights(sae.config(), sae.encoderWeights(), biases, sae.decoderWeights(), sae.decoderBias());
    }

    private static float[] scaled(float[] v, float factor) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    /** A latent that reads child {@code c} and writes parent + child, as an SAE that absorbed the parent does. */
    private static OracleSaes.Latent composed(int c) {
        return new OracleSaes.Latent(direction(c), DecoderCosines.sum(direction(parent.feature()), direction(c)));
    }

    private static float[] direction(int feature) {
        return truth.direction(feature);
    }

    private static int leaf() {
        return truth.config().firstIndependentFeature();
    }

    /** Latents for independent features other than the leaf target's. */
    private static List<float[]> background(int count) {
        List<float[]> latents = new ArrayList<>();
        for (int k = 1; k <= count; k++) {
            latents.add(direction(truth.config().firstIndependentFeature() + k));
        }
        return latents;
    }
}
