package dev.saesplit.evaluate;

import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The run table's reason is one sentence that names the children counted, what was set aside and why, and the
 * deciding figure, where the full reason lists every pair it weighed.
 */
class VerdictSummaryTest {

    private static final SplitCriteria CRITERIA = SplitCriteria.DEFAULTS;

    @Test
    void aLatentFiringWithTwoExclusiveChildrenIsSetAsideNotCalledAChild() {
        // The quickstart's row 1 before summaries: "2 distinct children (latents 5, 62, 10) cover 100% ...; latent 5
        // fires on 44% of latent 62's tokens: not two children; latent 5 fires on 47% of latent 10's tokens: ..."
        double[][] containment = identity(3);
        containment[0][1] = 0.44;
        containment[0][2] = 0.47;
        SplitReport.Verdict verdict = BehaviouralVerdict.judge(CRITERIA, 900, 9000,
                List.of(latent(5), latent(62), latent(10)), List.of(latent(3)), List.of(),
                set(2, 1.0, containment));

        assertEquals(SplitOutcome.YES, verdict.outcome());
        assertEquals("children 62, 10 cover 100% of the target; set aside 5 (fires with a child); the parent survives "
                + "as 3", verdict.summary());
        assertEquals(true, verdict.reason().contains("latent 5 fires on 44% of latent 62's tokens"), verdict.reason());
    }

    @Test
    void tooFewChildrenNameTheOneCountedAndWhatIsNeeded() {
        double[][] jaccard = identity(2);
        jaccard[0][1] = jaccard[1][0] = 0.8; // one child learned twice
        SplitReport.SetMeasurements split = new SplitReport.SetMeasurements(1, 0.9, 0.9, 0, 0.9, 0,
                new double[2][2], jaccard, identity(2), 0.8, 0.5);
        SplitReport.Verdict verdict = BehaviouralVerdict.judge(CRITERIA, 900, 9000, List.of(latent(163),
                latent(7)), List.of(), List.of(new SplitReport.SetAside(40, SplitReport.SetAside.BACKGROUND, 0.1, 0.3,
                0.4, 0.1, 2, 0.6, 0.3, 0.3)), split);

        assertEquals(SplitOutcome.NO, verdict.outcome());
        assertEquals("1 child (163), 2 needed; set aside 7 (repeats a child), 40 (background)", verdict.summary());
    }

    @Test
    void aPartialSplitGivesTheCoverageAgainstWhatIsNeeded() {
        SplitReport.Verdict verdict = BehaviouralVerdict.judge(CRITERIA, 900, 9000,
                List.of(latent(12), latent(40)), List.of(), List.of(), set(2, 0.71, identity(2)));

        assertEquals(SplitOutcome.PARTIAL, verdict.outcome());
        assertEquals("children 12, 40 cover 71% of the target, 90% needed", verdict.summary());
    }

    @Test
    void noChildrenAndASilentTargetSayWhy() {
        assertEquals("no latent fires specifically on the target's tokens", BehaviouralVerdict.judge(CRITERIA, 900,
                9000, List.of(), List.of(), List.of(), set(0, 0, new double[0][0])).summary());
        assertEquals("the target never fires above the threshold on the 9000 held-out tokens",
                BehaviouralVerdict.judge(CRITERIA, 0, 9000, List.of(), List.of(), List.of(),
                        set(0, 0, new double[0][0])).summary());
    }

    private static SplitReport.SetMeasurements set(int distinct, double ownCoverage, double[][] containment) {
        int k = containment.length;
        return new SplitReport.SetMeasurements(distinct, ownCoverage, ownCoverage, 0, ownCoverage, 0, new double[k][k],
                identity(k), containment, ownCoverage, 0.5);
    }

    private static SplitReport.Latent latent(int index) {
        return new SplitReport.Latent(index, 0.95, 0.4, 0.5, 2.0, 5.0, 0.01);
    }

    private static double[][] identity(int k) {
        double[][] m = new double[k][k];
        for (int a = 0; a < k; a++) {
            m[a][a] = 1;
        }
        return m;
    }
}
