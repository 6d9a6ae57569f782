package dev.saesplit.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code report.html} is one self-contained page that shows the evidence behind every verdict, and only as text. */
class ReportPageTest {

    @TempDir
    static Path dir;
    private static String page;

    @BeforeAll
    static void writeTheReport() throws Exception {
        ExperimentReport.write(SampleReports.inputs(dir.resolve("data")), Files.createDirectories(dir.resolve("report")));
        page = Files.readString(dir.resolve("report").resolve(ExperimentReport.PAGE));
    }

    @Test
    void thePageFetchesNothingAndRunsNothing() {
        assertFalse(page.contains("<script"), "no script");
        assertFalse(page.contains("<link"), "no stylesheet to fetch");
        assertFalse(Pattern.compile("(src|href)=\"(?!data:image/png;base64,)").matcher(page).find(),
                "every source is inline");
        assertTrue(page.contains("<style>"));
    }

    @Test
    void everyChartIsAnInlinePng() {
        Matcher images = Pattern.compile("<img alt=\"([^\"]*)\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">")
                .matcher(page);
        int count = 0;
        while (images.find()) {
            byte[] png = java.util.Base64.getDecoder().decode(images.group(2));
            assertEquals((byte) 0x89, png[0], images.group(1));
            assertEquals('P', png[1], images.group(1));
            count++;
        }
        // loss, density, filter histogram; per evaluated row scatter, co-firing, density (two rows)
        assertEquals(3 + 2 * 3, count);
    }

    @Test
    void descriptionsAndPurposesAreShownAsTextNeverAsMarkup() {
        assertFalse(page.contains(SampleReports.HOSTILE_DESCRIPTION));
        assertFalse(page.contains("<img src=x"));
        assertTrue(page.contains("hyphen study &lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;"));
        assertTrue(page.contains("seed &lt;img src=x onerror=alert(1)&gt; &amp; co"));
        assertTrue(page.contains("standing &lt;b&gt;issue&lt;/b&gt;"), "contexts are escaped too");
    }

    @Test
    void theRunTableShowsVerdictsReasonsGroundTruthAndTokensToCommonLoss() {
        String table = page.substring(page.indexOf("<table class=\"run-table\">"), page.indexOf("</table>"));
        for (String header : new String[] {"split success", "reason", "ground truth", "tokens to common loss"}) {
            assertTrue(table.contains("<th>" + header + "</th>"), header);
        }
        assertTrue(table.contains("<span class=\"yes\">yes</span>"), "verdicts");
        assertTrue(table.contains("10,000") && table.contains("12,000"), "tokens to common loss");
    }

    @Test
    void rowsOfOneConfigurationAreSummedUpAcrossSeedsUnderTheTable() {
        String section = page.substring(page.indexOf("<section id=\"run-table\">"), page.indexOf("</section>"));
        assertTrue(section.contains("<h3>Across seeds</h3>"), section);
        assertTrue(section.contains("<li><b>runs 2, 3</b>: all data, random init, normalised, standard loss, 64 latents, "
                + "200,000 tokens: "), section);
    }

    @Test
    void aRowShowsItsChildrenWithTheirNumbersAndItsSetMeasurements() {
        String row = page.substring(page.indexOf("id=\"run-2\""), page.indexOf("id=\"run-3\""));
        assertTrue(row.contains("<h3>Children (3)</h3>"), "three children");
        for (String header : new String[] {"specificity", "recall", "cosine", "mean activation", "max activation",
                "frequency"}) {
            assertTrue(row.contains("<th>" + header + "</th>"), header);
        }
        for (String measure : new String[] {"coverage", "absorption", "contribution explained", "duplicates",
                "where the target fires", "all held-out tokens", "tokens to common loss"}) {
            assertTrue(row.contains(measure), measure);
        }
        assertTrue(row.contains("Surviving parents (1)"), "the parent survives");
    }

    @Test
    void interpretationMarksTheFiringTokenInItsContext() {
        assertTrue(page.contains("I&#39;m a multi<mark>-</mark>millionaire"), "context with its token marked");
        assertTrue(page.contains("<code>digit</code>"), "boosted logits");
        assertTrue(page.contains("passed"), "probe result");
    }

    @Test
    void theFilterSectionGivesTheKeptCountAndFraction() {
        assertTrue(page.contains("kept 72,000 of 1,000,000 training tokens (7.2 %)"), "kept count and fraction");
    }

    @Test
    void aRowThatDidNotFinishSaysSo() {
        String row = page.substring(page.indexOf("id=\"run-3\""));
        assertTrue(row.contains("Not evaluated"), "says it was not evaluated");
    }
}
