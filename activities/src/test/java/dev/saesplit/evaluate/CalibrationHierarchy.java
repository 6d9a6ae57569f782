package dev.saesplit.evaluate;

import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One shape of generated hierarchy the split calibrations draw: dimension, features, parents, children per parent,
 * firing and child probabilities, and the seed of its draw.
 */
record CalibrationHierarchy(int dIn, int features, int parents, int children, double firing,
                            double childProbability, long seed) {

    /** The twelve shapes, in the order the calibrations take them. */
    static final List<CalibrationHierarchy> SHAPES = List.of(
            new CalibrationHierarchy(32, 24, 2, 3, 0.03, 1.0, 1),
            new CalibrationHierarchy(24, 20, 2, 2, 0.04, 1.0, 2),
            new CalibrationHierarchy(48, 30, 3, 3, 0.02, 0.95, 3),
            new CalibrationHierarchy(32, 28, 2, 4, 0.03, 1.0, 4),
            new CalibrationHierarchy(40, 24, 2, 3, 0.03, 0.95, 5),
            new CalibrationHierarchy(32, 32, 3, 2, 0.02, 1.0, 6),
            new CalibrationHierarchy(24, 22, 2, 3, 0.04, 0.95, 7),
            new CalibrationHierarchy(48, 36, 2, 5, 0.02, 1.0, 8),
            new CalibrationHierarchy(64, 40, 3, 3, 0.02, 0.9, 9),
            new CalibrationHierarchy(32, 24, 2, 2, 0.03, 0.85, 10),
            new CalibrationHierarchy(40, 32, 2, 4, 0.025, 0.9, 11),
            new CalibrationHierarchy(64, 48, 4, 2, 0.015, 1.0, 12));

    /** The same shape drawn again: its seed moved by {@code offset}. */
    CalibrationHierarchy offsetBy(long offset) {
        return new CalibrationHierarchy(dIn, features, parents, children, firing, childProbability, seed + offset);
    }

    /** Draws this hierarchy's 120,000 tokens into {@code data}, returning its ground truth. */
    GroundTruth generate(Path data) throws IOException {
        return SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(dIn, features, parents, children, firing,
                120_000, seed).withChildProbability(childProbability), data);
    }
}
