package dev.saesplit.evaluate.interpret;

import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.spec.SplitCriteria;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe rules on activations given directly; {@link InterpreterTest} runs them through a model. */
class ProbeJudgeTest {

    private static final int[] CHILDREN = {0, 1};

    private static SplitReport.ProbeResult dominant(double margin, float... wide) {
        return ProbeJudge.judge(new SplitCriteria.Probe("p", "-", SplitCriteria.Expectation.DOMINANT_CHILD, margin),
                1.0, wide, CHILDREN, -1, Set.of(), "");
    }

    private static SplitReport.ProbeResult quiet(double margin, double target, Set<Integer> watched, float... wide) {
        return ProbeJudge.judge(new SplitCriteria.Probe("p", "-", SplitCriteria.Expectation.QUIET, margin),
                target, wide, CHILDREN, -1, watched, "");
    }

    @Test
    void dominantChildPassesWhenOneChildFiresMarginTimesAnyOtherLatent() {
        SplitReport.ProbeResult result = dominant(3, 5f, 1f, 0.5f);

        assertTrue(result.passed(), result.reason());
        assertEquals("child 0 fires 5.00; next highest child 1 (1.00): ratio 5.00 >= margin 3.00", result.reason());
        assertArrayEquals(new double[] {5, 1}, result.activations());
        assertEquals(0, ProbeJudge.owner(result, CHILDREN));
    }

    @Test
    void dominantChildComparesWithNonChildrenToo() {
        SplitReport.ProbeResult result = dominant(3, 5f, 0f, 2.5f);

        assertFalse(result.passed());
        assertEquals("child 0 fires 5.00; next highest latent 2 (2.50): ratio 2.00 < margin 3.00", result.reason());
        assertEquals(-1, ProbeJudge.owner(result, CHILDREN), "a failed probe owns nothing");
    }

    @Test
    void dominantChildFailsWhenANonChildFiresHighestWhateverTheMargin() {
        SplitReport.ProbeResult result = dominant(0.5, 2f, 0f, 3f);

        assertFalse(result.passed());
        assertTrue(result.reason().endsWith("the highest latent is not a child"), result.reason());
    }

    @Test
    void dominantChildFailsWhenNoChildFiresAndIgnoresTheZeroedLatent() {
        assertFalse(dominant(2, 0f, 0f, 1f).passed());
        assertEquals("no child fires here", dominant(2, 0f, 0f, 1f).reason());
        SplitReport.ProbeResult zeroedRunnerUp = ProbeJudge.judge(new SplitCriteria.Probe("p", "-",
                SplitCriteria.Expectation.DOMINANT_CHILD, 2), 1.0, new float[] {5f, 0f, 4f}, CHILDREN, 2, Set.of(), "");
        assertTrue(zeroedRunnerUp.passed(), zeroedRunnerUp.reason());
    }

    @Test
    void quietPassesWhenTheWatchedChildrenStayBelowTheTargetOverTheMargin() {
        SplitReport.ProbeResult result = quiet(2, 2.0, Set.of(0), 0.9f, 5f);

        assertTrue(result.passed(), result.reason());
        assertEquals("loudest watched child 0 fires 0.900, target 2.00: 0.900 × margin 2.00 = 1.80 <= 2.00",
                result.reason());
        assertFalse(quiet(2, 2.0, Set.of(0), 1.1f, 0f).passed(), "1.1 × 2 > 2");
    }

    @Test
    void quietWatchesEveryChildWhenNoDominantChildProbePassed() {
        SplitReport.ProbeResult result = quiet(2, 2.0, Set.of(), 0.9f, 5f);

        assertFalse(result.passed());
        assertTrue(result.reason().startsWith("loudest child 1 fires 5.00"), result.reason());
    }

    @Test
    void whereTheTargetIsSilentQuietMeansNoWatchedChildFires() {
        assertTrue(quiet(2, 0.0, Set.of(), 0f, 0f).passed());
        assertFalse(quiet(2, 0.0, Set.of(), 0.1f, 0f).passed());
    }
}
