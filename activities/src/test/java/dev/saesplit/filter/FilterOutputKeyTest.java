package dev.saesplit.filter;

import org.junit.jupiter.api.Test;

import static dev.saesplit.artifact.KeyFixtures.activations;
import static dev.saesplit.artifact.KeyFixtures.assertInKey;
import static dev.saesplit.artifact.KeyFixtures.assertNotInKey;
import static dev.saesplit.artifact.KeyFixtures.sae;

class FilterOutputKeyTest {

    private static String key(String where, String data, String narrow, int latent, double threshold) {
        return FilterActivitiesImpl.outputKey(activations(data, where, 1000), sae(narrow, where), latent, threshold);
    }

    @Test
    void theKeyCoversTheActivationsAndNarrowSaeContentTheLatentAndTheThreshold() {
        String base = key("e", "data", "narrow", 5, 2.0);

        assertInKey(base, key("e", "data2", "narrow", 5, 2.0), "activations content");
        assertInKey(base, key("e", "data", "narrow2", 5, 2.0), "narrow SAE content");
        assertInKey(base, key("e", "data", "narrow", 6, 2.0), "target latent");
        assertInKey(base, key("e", "data", "narrow", 5, 2.5), "threshold");
    }

    @Test
    void whereTheInputsAreStoredIsNotInTheKey() {
        assertNotInKey(key("e", "data", "narrow", 5, 2.0), key("other", "data", "narrow", 5, 2.0),
                "the inputs' artifact keys and locations");
    }
}
