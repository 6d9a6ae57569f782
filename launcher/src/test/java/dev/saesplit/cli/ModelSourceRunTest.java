package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.data.cache.CacheManifest;
import dev.saesplit.stack.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saesplit run} on {@code experiments/lm-fixture.yaml}, twice, through a real Temporal server, PostgreSQL and
 * MLflow: activations are cached from the fixture transformer, every row is trained and evaluated with loss
 * recovered, and the second run reuses the cache.
 */
class ModelSourceRunTest {

    private static TestServices services;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("lm");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void aModelSourceExperimentRunsEndToEndAndASecondRunReusesItsActivationCache() throws Exception {
        Map<String, String> env = services.environment();
        String spec = Path.of("..", "experiments", "lm-fixture.yaml").toString();

        CliRun first = CliRun.of(env, "run", spec);

        assertEquals(0, first.exitCode(), first.out() + first.err());
        assertEquals(2, first.out().lines().filter(l -> l.startsWith("| ") && l.contains("| succeeded |")).count(),
                first.out());
        Path cache = activationCache();
        CacheManifest manifest = new ObjectMapper().readValue(cache.resolve(CacheManifest.FILE_NAME).toFile(),
                CacheManifest.class);
        assertEquals(CacheManifest.FORMAT_VERSION, manifest.formatVersion());
        assertEquals(2992, manifest.totalTokens(), "3k tokens are 187 whole contexts of 16");
        assertEquals("blocks.0.hook_mlp_out", manifest.hook());
        FileTime written = Files.getLastModifiedTime(cache.resolve(CacheManifest.FILE_NAME));

        CliRun table = CliRun.of(env, "table", "lm-fixture", "--format", "json");
        assertEquals(0, table.exitCode(), table.err());
        for (JsonNode run : new ObjectMapper().readTree(table.out()).get("runs")) {
            JsonNode results = run.get("results");
            double recovered = results.path("final/ce_loss/recovered").asDouble(Double.NaN);
            assertTrue(Double.isFinite(recovered), "run " + run.get("run") + " has loss recovered: " + results);
            assertTrue(results.path("final/ce_loss/zero_ablated").asDouble() > 0, results.toString());
            assertTrue(results.path("final/ce_loss/clean").asDouble() > 0, results.toString());
        }

        CliRun again = CliRun.of(env, "run", spec);

        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertEquals(List.of(cache), activationCaches(), "one cache, shared by both runs");
        assertEquals(written, Files.getLastModifiedTime(cache.resolve(CacheManifest.FILE_NAME)),
                "the second run did not cache again");
    }

    private static Path activationCache() throws IOException {
        List<Path> caches = activationCaches();
        assertEquals(1, caches.size(), caches.toString());
        return caches.get(0);
    }

    private static List<Path> activationCaches() throws IOException {
        try (Stream<Path> dirs = Files.list(services.home().resolve("artifacts").resolve("activations"))) {
            return dirs.filter(d -> !d.getFileName().toString().startsWith(".")).toList();
        }
    }
}
