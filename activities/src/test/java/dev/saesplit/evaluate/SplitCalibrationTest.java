package dev.saesplit.evaluate;

import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Calibration of the behavioural verdict against the exact one, on trained SAEs over many generated hierarchies
 * that vary in dimension, parents, children per parent, firing and child probabilities and seed, with targets
 * that are parents and targets that are leaves, and wide SAEs trained on all tokens and on the target's tokens
 * (filtered data). The behavioural verdict never sees the ground truth. The rows must include both answers in
 * number, or the agreement says nothing; the confusion tables are printed, one per kind of training data.
 *
 * <p>By default one draw of the first {@value #DEFAULT_SHAPES} hierarchy shapes (a few minutes on an idle
 * two-core machine). {@code -Dsaesplit.calibration.thorough=true} runs all twelve shapes over five draws: seed
 * offsets 0, 200 and 300, which the filtered-data verdict was designed on, and 400 and 500, drawn only after it was
 * fixed; {@code -Dsaesplit.calibration.seedOffsets=a,b} and {@code -Dsaesplit.calibration.shapes=n} choose others,
 * as docs/split-evaluation.md does for its checks on hierarchies the verdict was never tuned on. Asserted: agreement
 * on SAEs trained on all data (95 % thorough, 90 % by default, where one disagreeing row of twelve is 92 %), on SAEs
 * trained on filtered data (the 95 % thorough, which the draws made after the design pass with 80 of 82
 * and the designed-on ones with 114 of 119; 90 % by default) and on all rows (95 %, 90 %). On SAEs trained on all
 * data both answers must be common (a fifth of the rows each); on SAEs trained on filtered data a third of the rows
 * must truly split (so {@code no} everywhere cannot pass), and a leaf target with nothing to split into must say
 * {@code no}.
 */
class SplitCalibrationTest {

    private static final int DEFAULT_SHAPES = 4;
    /** Designed on: 0, 200, 300; drawn after the filtered-data verdict was fixed: 400, 500. */
    private static final String THOROUGH_OFFSETS = "0,200,300,400,500";

    @TempDir
    Path dir;

    private record Hierarchy(int dIn, int features, int parents, int children, double firing, double childProbability,
                             long seed) {
    }

    @Test
    void theBehaviouralVerdictAgreesWithTheGroundTruthOnMostRowsOfBothAnswers() throws Exception {
        List<Hierarchy> hierarchies = List.of(
                new Hierarchy(32, 24, 2, 3, 0.03, 1.0, 1),
                new Hierarchy(24, 20, 2, 2, 0.04, 1.0, 2),
                new Hierarchy(48, 30, 3, 3, 0.02, 0.95, 3),
                new Hierarchy(32, 28, 2, 4, 0.03, 1.0, 4),
                new Hierarchy(40, 24, 2, 3, 0.03, 0.95, 5),
                new Hierarchy(32, 32, 3, 2, 0.02, 1.0, 6),
                new Hierarchy(24, 22, 2, 3, 0.04, 0.95, 7),
                new Hierarchy(48, 36, 2, 5, 0.02, 1.0, 8),
                new Hierarchy(64, 40, 3, 3, 0.02, 0.9, 9),
                new Hierarchy(32, 24, 2, 2, 0.03, 0.85, 10),
                new Hierarchy(40, 32, 2, 4, 0.025, 0.9, 11),
                new Hierarchy(64, 48, 4, 2, 0.015, 1.0, 12));
        boolean thorough = Boolean.getBoolean("saesplit.calibration.thorough");
        int shapes = Integer.getInteger("saesplit.calibration.shapes", thorough ? hierarchies.size() : DEFAULT_SHAPES);
        // Each offset draws other hierarchies of the same shapes.
        List<CalibrationRows.Row> rows = new ArrayList<>();
        String offsets = System.getProperty("saesplit.calibration.seedOffsets", thorough ? THOROUGH_OFFSETS : "0");
        for (String offset : offsets.split(",")) {
            long seedOffset = Long.parseLong(offset.trim());
            for (Hierarchy h : hierarchies.subList(0, shapes)) {
                rows.addAll(rowsOf(new Hierarchy(h.dIn(), h.features(), h.parents(), h.children(), h.firing(),
                        h.childProbability(), h.seed() + seedOffset)));
            }
        }
        List<CalibrationRows.Row> filtered = rows.stream().filter(CalibrationRows.Row::filtered).toList();
        List<CalibrationRows.Row> all = rows.stream().filter(r -> !r.filtered()).toList();
        CalibrationRows.summarise("wide SAEs trained on filtered data", filtered);
        CalibrationRows.summarise("wide SAEs trained on all data", all);
        CalibrationRows.summarise("all rows", rows);
        CalibrationRows.assertAgreement("filtered data", filtered, thorough ? 0.95 : 0.9);
        CalibrationRows.assertAgreement("all data", all, thorough ? 0.95 : 0.9);
        CalibrationRows.assertAgreement("all rows", rows, thorough ? 0.95 : 0.9);
        CalibrationRows.assertCommon("all-data", all, SplitOutcome.YES, 0.2);
        CalibrationRows.assertCommon("all-data", all, SplitOutcome.NO, 0.2);
        CalibrationRows.assertCommon("filtered", filtered, SplitOutcome.YES, 1.0 / 3);
        CalibrationRows.assertFilteredLeavesSayNo(filtered);
    }

    /** Per hierarchy: each parent and one leaf as targets, each with a wide SAE on filtered and on all data. */
    private List<CalibrationRows.Row> rowsOf(Hierarchy h) throws Exception {
        Path data = dir.resolve("h" + h.seed());
        GroundTruth truth = SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(h.dIn(), h.features(),
                h.parents(), h.children(), h.firing(), 120_000, h.seed()).withChildProbability(h.childProbability()),
                data);
        return CalibrationRows.of(h.toString(), data, () -> ActivationCacheReader.open(data), truth, h.children(),
                h.seed(), Long.toString(h.seed()), dir);
    }
}
