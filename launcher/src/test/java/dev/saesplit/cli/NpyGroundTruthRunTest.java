package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.stack.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user's hierarchy drawn elsewhere and handed over as {@code source: npy}, with {@code ground_truth.json} (and the
 * files it names) in the folder of the activations: {@code validate} checks it against them, and {@code run}, through
 * a real Temporal server, PostgreSQL and MLflow, picks the target by its ground-truth parent and fills every row's
 * ground-truth column as it does for a synthetic source. A broken ground truth is refused by {@code validate}.
 */
class NpyGroundTruthRunTest {

    private static final int D_IN = 24;
    private static final int TOKENS = 40_000;
    private static TestServices services;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("npytruth");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void anNpySourceWithItsGroundTruthBesideItGetsTheGroundTruthColumn() throws Exception {
        Map<String, String> env = services.environment();
        Path drawn = drawnElsewhere();
        Path spec = Files.writeString(dir.resolve("npy-truth.yaml"), """
                name: npy-truth
                activations: {source: npy, files: [FOLDER/activations.npy]}
                narrow_sae: {width: 6, tokens: 40k, seed: 0}
                target_latent: {parent: 0}
                filter_threshold: 0.5
                training: {batch_size: 256, learning_rate: 3.0e-3, lr_warmup_steps: 10, log_every: 20}
                runs:
                  - {id: all, width: 16, seed: 1, init: random, normalised: true, data: all, tokens: 40k}
                  - {id: filtered, width: 8, seed: 1, init: random, normalised: true, data: filtered, tokens: 20k}
                """.replace("FOLDER", drawn.toString()));

        CliRun validated = CliRun.of(env, "validate", spec.toString());
        assertEquals(0, validated.exitCode(), validated.out() + validated.err());
        CliRun run = CliRun.of(env, "run", spec.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        CliRun table = CliRun.of(env, "table", "npy-truth", "--format", "json");
        assertEquals(0, table.exitCode(), table.err());
        JsonNode runs = new ObjectMapper().readTree(table.out()).get("runs");
        assertEquals(2, runs.size(), table.out());
        for (JsonNode row : runs) {
            assertTrue(row.path("ground_truth_success").asText().matches("yes|no|partial"), row.toString());
            assertTrue(row.path("ground_truth_reason").asText().contains("ground-truth feature"), row.toString());
        }

        Path document = drawn.resolve("ground_truth.json");
        Files.writeString(document, Files.readString(document).replace("\"tokens\" : " + TOKENS, "\"tokens\" : 7"));
        CliRun refused = CliRun.of(env, "validate", spec.toString());
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains(document + ": config.tokens: is not " + TOKENS), refused.err());
    }

    /**
     * A folder as another generator would leave it: the activations as {@code activations.npy} and the hierarchy's
     * ground truth beside them (here drawn by saesplit's generator, whose cache is then set aside).
     */
    private Path drawnElsewhere() throws IOException {
        Path folder = dir.resolve("drawn");
        SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(D_IN, 20, 2, 3, 0.03, TOKENS, 5)
                .withChildProbability(0.9), folder);
        float[] rows = new float[TOKENS * D_IN];
        try (ActivationSource source = ActivationCacheReader.open(folder)) {
            source.read(0, TOKENS, rows, 0);
        }
        try (NpyWriter writer = NpyWriter.create(folder.resolve("activations.npy"), NpyDtype.FLOAT32, D_IN)) {
            writer.writeFloats(rows, 0, rows.length);
        }
        Files.delete(folder.resolve("manifest.json"));
        return folder;
    }
}
