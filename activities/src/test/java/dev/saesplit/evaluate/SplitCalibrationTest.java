package dev.saesplit.evaluate;

import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.synthetic.GroundTruth;
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

    @Test
    void theBehaviouralVerdictAgreesWithTheGroundTruthOnMostRowsOfBothAnswers() throws Exception {
        List<CalibrationHierarchy> hierarchies = CalibrationHierarchy.SHAPES;
        boolean thorough = Boolean.getBoolean("saesplit.calibration.thorough");
        int shapes = Integer.getInteger("saesplit.calibration.shapes", thorough ? hierarchies.size() : DEFAULT_SHAPES);
        // Each offset draws other hierarchies of the same shapes.
        List<CalibrationRows.Row> rows = new ArrayList<>();
        String offsets = System.getProperty("saesplit.calibration.seedOffsets", thorough ? THOROUGH_OFFSETS : "0");
        for (String offset : offsets.split(",")) {
            long seedOffset = Long.parseLong(offset.trim());
            for (CalibrationHierarchy h : hierarchies.subList(0, shapes)) {
                rows.addAll(rowsOf(h.offsetBy(seedOffset)));
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
    private List<CalibrationRows.Row> rowsOf(CalibrationHierarchy h) throws Exception {
        Path data = dir.resolve("h" + h.seed());
        GroundTruth truth = h.generate(data);
        return CalibrationRows.of(h.toString(), data, () -> ActivationCacheReader.open(data), truth, h.children(),
                h.seed(), Long.toString(h.seed()), dir);
    }
}
