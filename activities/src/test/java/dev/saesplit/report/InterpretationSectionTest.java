package dev.saesplit.report;

import dev.saesplit.evaluate.SplitReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The interpretation as a reader sees it: parent and children side by side, tokens marked, probes judged. */
class InterpretationSectionTest {

    private static final SplitReport.Interpretation INTERPRETATION = new SplitReport.Interpretation(List.of(
            new SplitReport.LatentInterpretation("narrow", 240,
                    List.of(new SplitReport.Context(3.5, " long", "-", "standing <b>\\n")),
                    List.of(new SplitReport.Logit(" digit", 0.75)), List.of(new SplitReport.Logit(" duties", -0.5))),
            new SplitReport.LatentInterpretation("wide", 17, List.of(), List.of(), List.of())),
            List.of(new SplitReport.ProbeResult(" I'm a multi-millionaire", "-", "dominant-child", 3, true,
                            "child 17 fires 5.00; next highest latent fires 0", 3.25, new double[] {5}),
                    new SplitReport.ProbeResult(" long-standing", "-", "quiet", 2, false,
                            "loudest watched child 17 fires 2.00, target 1.00", 1, new double[] {2})));

    private final String html = InterpretationSection.render(INTERPRETATION, List.of());

    @Test
    void theTargetAndEachChildAreLabelledAndTheFiringTokenIsMarkedInItsEscapedContext() {
        assertTrue(html.contains("<h4>narrow latent 240 (target)</h4>"), html);
        assertTrue(html.contains("<h4>wide latent 17 (child)</h4>"), html);
        assertTrue(html.contains("3.500</span> <span class=\"context\"> long<mark>-</mark>standing &lt;b&gt;\\n"),
                html);
    }

    @Test
    void logitsAreListedAndALatentWithoutEvidenceSaysSo() {
        assertTrue(html.contains("boosts: <code> digit</code> 0.7500"), html);
        assertTrue(html.contains("suppresses: <code> duties</code> -0.5000"), html);
        assertTrue(html.contains("does not fire on the held-out tokens"), html);
        assertTrue(html.contains("boosts: none"), html);
    }

    @Test
    void probesShowPassOrFailTheReasonAndEachChildsActivationByItsIndex() {
        assertTrue(html.contains("<span class=\"yes\">passed</span>"), html);
        assertTrue(html.contains("<span class=\"no\">failed</span>"), html);
        assertTrue(html.contains("dominant-child (margin 3.000)"), html);
        assertTrue(html.contains("loudest watched child 17 fires 2.00, target 1.00"), html);
        assertTrue(html.contains("17: 5.000"), "labelled with the interpreted child's index, not the report's");
    }
}
