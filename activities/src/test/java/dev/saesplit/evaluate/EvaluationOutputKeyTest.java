package dev.saesplit.evaluate;

import dev.saesplit.spec.SplitCriteria;
import org.junit.jupiter.api.Test;

import static dev.saesplit.artifact.KeyFixtures.activations;
import static dev.saesplit.artifact.KeyFixtures.assertInKey;
import static dev.saesplit.artifact.KeyFixtures.assertNotInKey;
import static dev.saesplit.artifact.KeyFixtures.sae;

class EvaluationOutputKeyTest {

    private static final SplitCriteria OTHER_CRITERIA = new SplitCriteria(3, 0.8, 0.05, 0.8, 0.9, 0.5,
            SplitCriteria.DEFAULT_MAX_CHILD_OVERLAP, SplitCriteria.DEFAULTS.probes());

    private static String key(String where, String wide, String narrow, int target, double threshold, int zeroed,
                              boolean filtered, String data, SplitCriteria criteria) {
        return EvaluationActivitiesImpl.outputKey(new EvaluationRequest(where, "row-" + where, sae(wide, where),
                sae(narrow, where), target, threshold, zeroed, filtered, activations(data, where, 1000), criteria, null));
    }

    @Test
    void theKeyCoversBothSaesContentTheTargetTheThresholdTheZeroedLatentTheDataAndTheCriteria() {
        SplitCriteria c = SplitCriteria.DEFAULTS;
        String base = key("e", "wide", "narrow", 5, 2.0, -1, true, "data", c);

        assertInKey(base, key("e", "wide2", "narrow", 5, 2.0, -1, true, "data", c), "wide SAE content");
        assertInKey(base, key("e", "wide", "narrow2", 5, 2.0, -1, true, "data", c), "narrow SAE content");
        assertInKey(base, key("e", "wide", "narrow", 6, 2.0, -1, true, "data", c), "target latent");
        assertInKey(base, key("e", "wide", "narrow", 5, 2.5, -1, true, "data", c), "threshold");
        assertInKey(base, key("e", "wide", "narrow", 5, 2.0, 5, true, "data", c), "zeroed latent");
        assertInKey(base, key("e", "wide", "narrow", 5, 2.0, -1, false, "data", c), "filtered data");
        assertInKey(base, key("e", "wide", "narrow", 5, 2.0, -1, true, "data2", c), "activations content");
        assertInKey(base, key("e", "wide", "narrow", 5, 2.0, -1, true, "data", OTHER_CRITERIA), "split criteria");
    }

    @Test
    void theExperimentRowAndWhereTheInputsAreStoredAreNotInTheKey() {
        SplitCriteria c = SplitCriteria.DEFAULTS;
        assertNotInKey(key("e", "wide", "narrow", 5, 2.0, -1, true, "data", c),
                key("other", "wide", "narrow", 5, 2.0, -1, true, "data", c), "experiment, row and locations");
    }
}
