package dev.saesplit.init;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.spec.Init;
import org.junit.jupiter.api.Test;

import static dev.saesplit.artifact.KeyFixtures.activations;
import static dev.saesplit.artifact.KeyFixtures.artifact;
import static dev.saesplit.artifact.KeyFixtures.assertInKey;
import static dev.saesplit.artifact.KeyFixtures.assertNotInKey;
import static dev.saesplit.artifact.KeyFixtures.sae;

class InitOutputKeyTest {

    private static String key(String experiment, ActivationsRef data, int width, long seed, Init init,
                              boolean normalised, String narrow) {
        return InitActivitiesImpl.outputKey(new InitRequest(experiment, "row-" + experiment, data, width, seed, init,
                normalised, narrow == null ? null : sae(narrow, experiment)));
    }

    @Test
    void theKeyCoversTheActivationsShapeModelAndHookTheRowsInitAndTheNarrowSaesContent() {
        ActivationsRef data = activations("data", "e", 1000);
        String base = key("e", data, 64, 1, Init.NARROW, true, "narrow");

        assertInKey(base, key("e", new ActivationsRef(data.artifact(), 8, 1000, "model", "hook"), 64, 1, Init.NARROW,
                true, "narrow"), "d_in");
        assertInKey(base, key("e", new ActivationsRef(data.artifact(), 16, 1000, "other", "hook"), 64, 1, Init.NARROW,
                true, "narrow"), "model (recorded in cfg.json)");
        assertInKey(base, key("e", new ActivationsRef(data.artifact(), 16, 1000, "model", "other"), 64, 1, Init.NARROW,
                true, "narrow"), "hook (recorded in cfg.json)");
        assertInKey(base, key("e", data, 128, 1, Init.NARROW, true, "narrow"), "width");
        assertInKey(base, key("e", data, 64, 2, Init.NARROW, true, "narrow"), "seed");
        assertInKey(base, key("e", data, 64, 1, Init.RANDOM, true, "narrow"), "init");
        assertInKey(base, key("e", data, 64, 1, Init.NARROW, false, "narrow"), "normalised");
        assertInKey(base, key("e", data, 64, 1, Init.NARROW, true, "narrow2"), "narrow SAE content");
    }

    @Test
    void theActivationsContentAndTokenCountAndWhoAskedAreNotInTheKey() {
        String base = key("e", activations("data", "e", 1000), 64, 1, Init.NARROW, true, "narrow");

        assertNotInKey(base, key("e", new ActivationsRef(artifact("data2", "e"), 16, 5000, "model", "hook"), 64, 1,
                Init.NARROW, true, "narrow"), "activation values and token count");
        assertNotInKey(base, key("other", activations("data", "other", 1000), 64, 1, Init.NARROW, true, "narrow"),
                "experiment, row id and where the inputs are stored");
    }
}
