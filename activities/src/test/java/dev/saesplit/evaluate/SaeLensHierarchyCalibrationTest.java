package dev.saesplit.evaluate;

import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.sae.SaeLensEnvironment;
import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calibration of the behavioural verdict against ground truth no one here wrote: hierarchies drawn by SAELens's
 * synthetic toolkit ({@code infra/sae_lens_hierarchy.py}: {@code HierarchyNode} trees with mutually exclusive
 * children, SAELens's feature dictionary and activation generator), handed to saesplit as an {@code .npy}
 * activation source with the hierarchy and what fired on every token beside it. The narrow SAE, a quarter as wide
 * as there are features, absorbs part of some parents' children into other latents (the rows counted as absorbed
 * targets). The figures are printed by training data; skipped where the SAELens environment cannot be installed,
 * as the SAELens round trip is. {@code -Dsaesplit.calibration.saeLensSeeds=a,b,...} draws others.
 */
class SaeLensHierarchyCalibrationTest {

    /** Both kinds agreed on 7 of 7 rows of the default draw (designed on saesplit's generator, never tuned here). */
    private static final double AGREEMENT_FLOOR = 0.85;
    private static final long TOKENS = 120_000;

    @TempDir
    Path dir;

    private record Shape(int dIn, int features, int parents, int children, double firing) {
    }

    @Test
    void theBehaviouralVerdictAgreesWithSaeLensHierarchiesOnBothKindsOfTrainingData() throws Exception {
        List<Shape> shapes = List.of(new Shape(32, 28, 2, 3, 0.03), new Shape(40, 32, 3, 3, 0.025));
        List<CalibrationRows.Row> rows = new ArrayList<>();
        for (String seedText : System.getProperty("saesplit.calibration.saeLensSeeds", "1").split(",")) {
            long seed = Long.parseLong(seedText.trim());
            for (int i = 0; i < shapes.size(); i++) {
                Shape s = shapes.get(i);
                long drawn = seed * 10 + i;
                Path data = dir.resolve("sl" + drawn);
                draw(data, s, drawn);
                Path activations = data.resolve("activations.npy");
                rows.addAll(CalibrationRows.of("SAELens " + s + " seed " + drawn, data,
                        () -> NpyActivationSource.open(List.of(activations)), GroundTruth.load(data), s.children(),
                        drawn, "sl" + drawn, dir));
            }
        }
        List<CalibrationRows.Row> filtered = rows.stream().filter(CalibrationRows.Row::filtered).toList();
        List<CalibrationRows.Row> all = rows.stream().filter(r -> !r.filtered()).toList();
        CalibrationRows.summarise("SAELens hierarchies, wide SAEs trained on filtered data", filtered);
        CalibrationRows.summarise("SAELens hierarchies, wide SAEs trained on all data", all);
        CalibrationRows.assertAgreement("SAELens, filtered data", filtered, AGREEMENT_FLOOR);
        CalibrationRows.assertAgreement("SAELens, all data", all, AGREEMENT_FLOOR);
        CalibrationRows.assertCommon("SAELens filtered", filtered, SplitOutcome.YES, 1.0 / 3);
        CalibrationRows.assertFilteredLeavesSayNo(filtered);
        assertTrue(rows.stream().anyMatch(CalibrationRows.Row::absorbed), "no absorbed target among the rows");
    }

    private static void draw(Path out, Shape s, long seed) throws Exception {
        String params = String.format(Locale.ROOT, "{\"d_in\": %d, \"features\": %d, \"parents\": %d, "
                        + "\"children\": %d, \"firing\": %s, \"tokens\": %d, \"seed\": %d}", s.dIn(), s.features(),
                s.parents(), s.children(), s.firing(), TOKENS, seed);
        SaeLensEnvironment.run(Path.of("..", "infra", "sae_lens_hierarchy.py").toAbsolutePath().normalize(),
                out.toString(), params);
    }
}
