package dev.saesplit.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Rows of a width are compared at the worst final loss among them, by the tokens each needed to reach it. */
class TrainingEfficiencyTest {

    @Test
    void eachRowIsTimedToTheWorstFinalLossOfItsWidth() {
        Map<String, TrainingEfficiency.CommonLoss> result = TrainingEfficiency.of(List.of(
                new TrainingEfficiency.Trained("fast", 64, "all", SampleReports.curve(1.0, 0.1)),
                new TrainingEfficiency.Trained("slow", 64, "all", SampleReports.curve(1.0, 0.4))));

        assertEquals(0.4, result.get("slow").commonLoss(), 1e-12);
        assertEquals(0.4, result.get("fast").commonLoss(), 1e-12);
        assertEquals(9000, result.get("slow").tokens(), "the worst row reaches the level at its end");
        assertEquals(6000, result.get("fast").tokens(), "0.1 + 0.9·(9−i)/9 ≤ 0.4 from the seventh point");
    }

    @Test
    void widthsAreComparedSeparatelyAndRowsWithoutACurveAreLeftOut() {
        Map<String, TrainingEfficiency.CommonLoss> result = TrainingEfficiency.of(List.of(
                new TrainingEfficiency.Trained("narrow", 16, "all", SampleReports.curve(2.0, 1.5)),
                new TrainingEfficiency.Trained("wide", 64, "all", SampleReports.curve(1.0, 0.2)),
                new TrainingEfficiency.Trained("failed", 64, "all", LossCurve.EMPTY)));

        assertEquals(1.5, result.get("narrow").commonLoss(), 1e-12);
        assertEquals(0.2, result.get("wide").commonLoss(), 1e-12);
        assertFalse(result.containsKey("failed"));
    }

    @Test
    void rowsOnFilteredDataAreComparedAmongThemselvesNotAgainstTheAllDataRows() {
        Map<String, TrainingEfficiency.CommonLoss> result = TrainingEfficiency.of(List.of(
                new TrainingEfficiency.Trained("all", 64, "all", SampleReports.curve(1.0, 0.2)),
                new TrainingEfficiency.Trained("filtered-fast", 64, "filtered", SampleReports.curve(9.0, 2.0)),
                new TrainingEfficiency.Trained("filtered-slow", 64, "filtered", SampleReports.curve(9.0, 4.0))));

        assertEquals(0.2, result.get("all").commonLoss(), 1e-12, "not timed to a filtered row's loss of 4");
        assertEquals(9000, result.get("all").tokens());
        assertEquals(4.0, result.get("filtered-fast").commonLoss(), 1e-12);
        assertEquals(4.0, result.get("filtered-slow").commonLoss(), 1e-12);
    }
}
