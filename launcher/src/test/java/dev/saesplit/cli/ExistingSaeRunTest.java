package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.digest.Sha256;
import dev.saesplit.sae.NeelSaeFormat;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.stack.MlflowRest;
import dev.saesplit.stack.TestServices;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An experiment whose narrow SAE is a file in Neel Nanda's 1L-Sparse-Autoencoder format and whose run table
 * evaluates SAEs trained elsewhere (one in that format, one a SAELens folder) beside a row it trains, through a real
 * Temporal server, PostgreSQL and MLflow: {@code validate} checks every SAE against the activations' width, and
 * {@code run} imports each (converted to the SAELens layout, the originals' SHA-256 kept beside it), evaluates,
 * tables and tracks the imported rows as it does the trained one.
 */
class ExistingSaeRunTest {

    private static final int D_IN = 16;
    private static TestServices services;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("existing");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void neelFormatAndSaeLensSaesTrainedElsewhereAreEvaluatedBesideATrainedRow() throws Exception {
        Map<String, String> env = services.environment();
        Path study = Files.createDirectories(dir.resolve("study"));
        NeelSaeFormat.write(study.resolve("14.pt"), randomSae(D_IN, 16, 1));
        NeelSaeFormat.write(study.resolve("15.pt"), randomSae(D_IN, 64, 2));
        SaeLensFormat.write(dir.resolve("saelens-wide"), randomSae(D_IN, 48, 3), new float[48]);
        Files.delete(dir.resolve("saelens-wide").resolve(SaeLensFormat.SPARSITY_FILE));
        Path spec = Files.writeString(dir.resolve("existing.yaml"), spec("study/15.pt"));

        CliRun validated = CliRun.of(env, "validate", spec.toString());
        assertEquals(0, validated.exitCode(), validated.out() + validated.err());
        NeelSaeFormat.write(study.resolve("8.pt"), randomSae(8, 32, 4));
        Path narrowHook = Files.writeString(dir.resolve("wrong-width.yaml"), spec("study/8.pt"));
        CliRun refused = CliRun.of(env, "validate", narrowHook.toString());
        assertEquals(2, refused.exitCode(), refused.out() + refused.err());
        assertTrue(refused.err().contains("runs[1].sae") && refused.err().contains("d_in 8"), refused.err());

        CliRun run = CliRun.of(env, "run", spec.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        String table = run.out().substring(run.out().indexOf("| run "), run.out().indexOf("\nMLflow:")).strip();
        assertEquals(3, table.lines().filter(l -> l.contains("| succeeded |")).count(), table);
        assertTrue(table.lines().anyMatch(l -> l.matches("\\| study +\\| published 4096-latent SAE +\\| 64 +\\| 43 +\\| narrow +\\| no .*")),
                "the imported row's columns are what the spec says of it, its width the file's: " + table);
        assertProvenance(study);
        assertTracked();
    }

    /** The study's files were imported converted, each original's SHA-256 recorded beside the SAELens copy. */
    private void assertProvenance(Path study) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> origins = new HashMap<>();
        for (Path artifact : artifactDirectories("register")) {
            Path origin = artifact.resolve("imported_from.json");
            if (Files.exists(origin)) {
                JsonNode node = json.readTree(origin.toFile());
                origins.put(Path.of(node.path("weights_file").asText()).getFileName().toString(), node);
                assertTrue(Files.exists(artifact.resolve(SaeLensFormat.WEIGHTS_FILE)), "converted: " + artifact);
                assertTrue(Files.exists(artifact.resolve(SaeLensFormat.SPARSITY_FILE)), "firing measured");
            }
        }
        assertEquals(Set.of("14.pt", "15.pt"), origins.keySet());
        for (String name : List.of("14", "15")) {
            JsonNode origin = origins.get(name + ".pt");
            assertEquals("1L-Sparse-Autoencoder", origin.path("format").asText());
            assertEquals(Sha256.ofFile(study.resolve(name + ".pt")), origin.path("weights_sha256").asText());
            assertEquals(Sha256.ofFile(study.resolve(name + "_cfg.json")), origin.path("config_sha256").asText());
        }
    }

    /** One nested MLflow run per row, imported or trained, each with its configuration, verdict and SAE. */
    private static void assertTracked() throws Exception {
        Map<String, JsonNode> runs = new MlflowRest(services.mlflowUri()).runs("existing-saes");
        assertEquals(Set.of("existing-saes", "trained", "study", "saelens"), runs.keySet());
        String parent = MlflowRest.runId(runs.get("existing-saes"));
        for (String row : List.of("trained", "study", "saelens")) {
            JsonNode run = runs.get(row);
            Map<String, String> tags = MlflowRest.entries(run, "tags");
            assertEquals(parent, tags.get("mlflow.parentRunId"), row);
            assertEquals("FINISHED", run.path("info").path("status").asText(), row);
            assertTrue(tags.containsKey("saesplit.split_success"), row + ": " + tags);
        }
        assertEquals("64", MlflowRest.entries(runs.get("study"), "params").get("width"));
        assertEquals("43", MlflowRest.entries(runs.get("study"), "params").get("seed"));
        assertTrue(MlflowRest.entries(runs.get("study"), "params").get("sae").endsWith("/study/15.pt"),
                "the imported row names its SAE");
        assertEquals(null, MlflowRest.entries(runs.get("trained"), "params").get("sae"));
        MlflowRest mlflow = new MlflowRest(services.mlflowUri());
        JsonNode study = runs.get("study");
        byte[] cfg = mlflow.artifact(study.path("info").path("experiment_id").asText(), MlflowRest.runId(study),
                "sae/cfg.json");
        assertEquals(64, new ObjectMapper().readTree(cfg).path("d_sae").asInt(), "its SAE, in the SAELens layout");
    }

    private static String spec(String studySae) {
        return """
                name: existing-saes
                activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 60k, seed: 3}
                narrow_sae: {path: study/14.pt}
                target_latent: 3
                training: {batch_size: 256, learning_rate: 3.0e-3, lr_warmup_steps: 10, log_every: 20}
                runs:
                  - {id: trained, purpose: trained here, width: 32, seed: 1, init: narrow, normalised: true, data: all, loss: standard, tokens: 30k}
                  - {id: study, purpose: published 4096-latent SAE, sae: STUDY, seed: 43, init: narrow, normalised: false, data: all, loss: standard, tokens: 26.2M}
                  - {id: saelens, purpose: a SAELens folder, sae: saelens-wide, seed: 7, init: random, normalised: true, data: all, loss: standard, tokens: 2B}
                """.replace("STUDY", studySae);
    }

    private static SaeWeights randomSae(int dIn, int dSae, long seed) {
        Random random = new Random(seed);
        SaeConfig config = SaeConfig.of(dIn, dSae, new StandardArchitecture(), "synthetic", "hook");
        return new SaeWeights(config, gaussian(random, dIn * dSae), gaussian(random, dSae),
                gaussian(random, dSae * dIn), gaussian(random, dIn));
    }

    private static float[] gaussian(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    private static List<Path> artifactDirectories(String producer) throws Exception {
        List<Path> dirs = new java.util.ArrayList<>();
        try (Database database = Database.open(DatabaseConfig.local(services.home()));
             var c = database.connection();
             var select = c.prepareStatement("SELECT uri FROM artifacts WHERE producer = ?")) {
            select.setString(1, producer);
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    dirs.add(Path.of(URI.create(rs.getString(1))));
                }
            }
        }
        return dirs;
    }
}
