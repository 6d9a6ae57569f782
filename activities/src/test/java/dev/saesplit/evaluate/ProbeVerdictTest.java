package dev.saesplit.evaluate;

import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the probes' results enter a row's verdict and its reason. */
class ProbeVerdictTest {

    private static SplitReport.ProbeResult probe(String prompt, boolean passed, String reason) {
        return new SplitReport.ProbeResult(prompt, "-", "dominant-child", 2.0, passed, reason, 1.0, new double[0]);
    }

    @Test
    void aYesWithAFailingProbeIsPartialAndProbesFailingForOneReasonAreNamedTogether() {
        SplitReport.Verdict verdict = ModelEvidence.withProbes(new SplitReport.Verdict(SplitOutcome.YES,
                "3 distinct children", "children 808, 20, 5 cover 97% of the target"), List.of(
                probe("x = a - b", false, "no child fires here"),
                probe("thread-safe", true, "child 808 fires 4.96"),
                probe("--verbose", false, "no child fires here"),
                probe("10-20", false, "child 808 fires 4.12; next highest latent 20 (6.80): ratio 0.607 < margin 2.00")));

        assertEquals(SplitOutcome.PARTIAL, verdict.outcome());
        assertEquals("3 distinct children; probes: 1 of 4 pass; \"x = a - b\" (dominant-child at '-'), "
                + "\"--verbose\" (dominant-child at '-') fail: no child fires here; \"10-20\" (dominant-child at '-') "
                + "fails: child 808 fires 4.12; next highest latent 20 (6.80): ratio 0.607 < margin 2.00",
                verdict.reason());
        assertEquals("children 808, 20, 5 cover 97% of the target; probe \"x = a - b\" fails (+2 more)",
                verdict.summary());
    }

    @Test
    void aNoStaysNoAndAllProbesPassingLeaveTheVerdictAsItWas() {
        assertEquals(SplitOutcome.NO, ModelEvidence.withProbes(new SplitReport.Verdict(SplitOutcome.NO, "no child", "no child"),
                List.of(probe("x = a - b", false, "no children to own the token"))).outcome());
        SplitReport.Verdict yes = ModelEvidence.withProbes(new SplitReport.Verdict(SplitOutcome.YES, "2 children", "children 1, 2"),
                List.of(probe("x = a - b", true, "child 1 fires 5")));
        assertEquals(new SplitReport.Verdict(SplitOutcome.YES, "2 children; probes: 1 of 1 pass",
                "children 1, 2; probes pass"), yes);
    }
}
