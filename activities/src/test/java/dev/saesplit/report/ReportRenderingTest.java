package dev.saesplit.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code report.html} as a browser shows it: its tables are there and every chart decodes to a picture. */
class ReportRenderingTest {

    /** Writes each image's decoded width into the DOM, where {@code --dump-dom} shows it. */
    private static final String MEASURE_IMAGES = """
            <script>window.addEventListener('load', () => document.body.setAttribute('data-image-widths',
              Array.from(document.images).map(i => i.complete ? i.naturalWidth : -1).join(',')));</script>""";

    @TempDir
    static Path dir;
    private static Path page;

    @BeforeAll
    static void writeTheReport() throws Exception {
        HeadlessChromium.require();
        Path report = Files.createDirectories(dir.resolve("report"));
        ExperimentReport.write(SampleReports.inputs(dir.resolve("data")), report);
        page = report.resolve(ExperimentReport.PAGE);
    }

    @Test
    void everyImageDecodesInTheBrowser() throws Exception {
        Path measured = dir.resolve("measured.html");
        Files.writeString(measured, Files.readString(page).replace("</body>", MEASURE_IMAGES + "</body>"));

        String dom = HeadlessChromium.dumpDom(measured);

        Matcher widths = Pattern.compile("data-image-widths=\"([^\"]*)\"").matcher(dom);
        assertTrue(widths.find(), "the measuring script ran");
        int[] decoded = Arrays.stream(widths.group(1).split(",")).mapToInt(Integer::parseInt).toArray();
        assertEquals(9, decoded.length, "images on the page");
        assertTrue(Arrays.stream(decoded).allMatch(w -> w > 100), "every image decoded: " + widths.group(1));
    }

    @Test
    void theRunTableAndRowSectionsAreInTheRenderedDocument() throws Exception {
        String dom = HeadlessChromium.dumpDom(page);

        assertTrue(dom.contains("<table class=\"run-table\">"), "run table");
        assertTrue(dom.contains("id=\"run-1\"") && dom.contains("id=\"run-3\""), "row sections");
        assertTrue(dom.contains("<mark>-</mark>"), "the firing token is marked");
    }

    @Test
    void theScreenshotShowsMoreThanABlankPage() throws Exception {
        Path png = dir.resolve("report.png");

        HeadlessChromium.screenshot(page, 1280, 2400, png);

        BufferedImage shot = ImageIO.read(png.toFile());
        assertEquals(1280, shot.getWidth());
        long inked = 0;
        for (int y = 0; y < shot.getHeight(); y += 4) {
            for (int x = 0; x < shot.getWidth(); x += 4) {
                if ((shot.getRGB(x, y) & 0xffffff) != 0xffffff) {
                    inked++;
                }
            }
        }
        long sampled = (long) (shot.getWidth() / 4) * (shot.getHeight() / 4);
        assertTrue(inked > sampled / 20, "at least 5 % of the page is not white: " + inked + " of " + sampled);
        String keep = System.getProperty("saesplit.report.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
