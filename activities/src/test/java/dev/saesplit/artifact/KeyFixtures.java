package dev.saesplit.artifact;

import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * References to artifacts with a chosen content hash, and the two assertions an output-key test makes: a change
 * that determines the output changes the key; any other change leaves it alone. Where an artifact lives (its key
 * and uri) never enters a key, so these fixtures vary them with the experiment.
 */
public final class KeyFixtures {

    private KeyFixtures() {
    }

    public static ArtifactRef artifact(String contentHash, String where) {
        return new ArtifactRef("kind", "key-" + where, "file:///" + where + "/" + contentHash, contentHash);
    }

    public static ActivationsRef activations(String contentHash, String where, long tokens) {
        return new ActivationsRef(artifact(contentHash, where), 16, tokens, "model", "hook");
    }

    public static SaeRef sae(String contentHash, String where) {
        return new SaeRef(artifact(contentHash, where), 16, 32);
    }

    public static FilteredDataRef filtered(String contentHash, String where) {
        return new FilteredDataRef(artifact(contentHash, where), 5, 100, 40);
    }

    public static void assertInKey(String base, String changed, String field) {
        assertNotEquals(base, changed, field + " determines the output, so it must be in the key");
    }

    public static void assertNotInKey(String base, String changed, String field) {
        assertEquals(base, changed, field + " cannot change the output, so it must not be in the key");
    }
}
