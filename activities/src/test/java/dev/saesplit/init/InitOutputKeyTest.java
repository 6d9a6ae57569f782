package dev.saesplit.init;

import dev.saesplit.artifact.OutputKey;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.spec.Architecture;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.Init;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.saesplit.artifact.KeyFixtures.activations;
import static dev.saesplit.artifact.KeyFixtures.artifact;
import static dev.saesplit.artifact.KeyFixtures.assertInKey;
import static dev.saesplit.artifact.KeyFixtures.assertNotInKey;
import static dev.saesplit.artifact.KeyFixtures.sae;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void aRowsArchitectureIsInTheKeyAndARowNamingNoneKeepsTheKeyItHadBeforeArchitecturesExisted() {
        ActivationsRef data = activations("data", "e", 1000);
        InitRequest plain = new InitRequest("e", "row-e", data, 64, 1, Init.RANDOM, true, null);
        String base = InitActivitiesImpl.outputKey(plain);

        // the key as it was computed before rows had an architecture
        assertEquals(OutputKey.of("sae-init", InitActivitiesImpl.CODE_VERSION, 16, "model", "hook", 64, 1L,
                Init.RANDOM, true, "", KaimingInitializer.DEFAULT_DECODER_NORM), base);
        String batchTopK = keyWith(plain, new ArchitectureSpec(Architecture.BATCHTOPK, 4.0, null, null));
        assertInKey(base, batchTopK, "architecture");
        assertInKey(batchTopK, keyWith(plain, new ArchitectureSpec(Architecture.BATCHTOPK, 8.0, null, null)), "k");
        assertInKey(keyWith(plain, new ArchitectureSpec(Architecture.MATRYOSHKA, 4.0, List.of(16, 48), null)),
                keyWith(plain, new ArchitectureSpec(Architecture.MATRYOSHKA, 4.0, List.of(32, 32), null)), "groups");
    }

    private static String keyWith(InitRequest r, ArchitectureSpec architecture) {
        return InitActivitiesImpl.outputKey(new InitRequest(r.experiment(), r.runId(), r.data(), r.width(), r.seed(),
                r.init(), r.normalised(), r.narrow(), architecture));
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
