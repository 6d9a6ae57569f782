package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.data.cache.CacheManifest;
import dev.saesplit.stack.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
 * recovered, and the second run reuses the cache. Its streamed twin ({@code stream: true}) stores no activations
 * and gives the same verdicts and results.
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

        for (Path report : splitReports()) {
            assertInterpreted(new ObjectMapper().readTree(report.toFile()), report);
        }

        CliRun again = CliRun.of(env, "run", spec);

        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertEquals(List.of(cache), activationCaches(), "one cache, shared by both runs");
        assertEquals(written, Files.getLastModifiedTime(cache.resolve(CacheManifest.FILE_NAME)),
                "the second run did not cache again");
    }

    @Test
    void theStreamedTwinOfTheFixtureExperimentGivesItsVerdictsAndResultsWithoutStoringActivations(@TempDir Path dir)
            throws Exception {
        Map<String, String> env = services.environment();
        Path cachedSpec = StreamedFixtureSpec.CACHED;
        Path streamSpec = StreamedFixtureSpec.write(dir, "lm-fixture-stream", "  stream: true\n");

        CliRun cached = CliRun.of(env, "run", cachedSpec.toString());
        CliRun streamed = CliRun.of(env, "run", streamSpec.toString());

        assertEquals(0, cached.exitCode(), cached.out() + cached.err());
        assertEquals(0, streamed.exitCode(), streamed.out() + streamed.err());
        JsonNode cachedRuns = table(env, "lm-fixture");
        JsonNode streamedRuns = table(env, "lm-fixture-stream");
        assertEquals(2, streamedRuns.size(), streamedRuns.toString());
        for (int i = 0; i < cachedRuns.size(); i++) {
            JsonNode expected = cachedRuns.get(i);
            JsonNode actual = streamedRuns.get(i);
            assertEquals("succeeded", actual.path("status").asText(), actual.toString());
            assertEquals(expected.path("split_success"), actual.path("split_success"), actual.toString());
            assertEquals(expected.path("split_reason"), actual.path("split_reason"), actual.toString());
            // The stream's rows and the order training reads them are the cache's, so every result is the same.
            assertEquals(expected.path("results"), actual.path("results"), "run " + actual.path("run"));
        }
        List<Path> streams;
        try (Stream<Path> dirs = Files.list(services.home().resolve("artifacts").resolve("activations"))) {
            streams = dirs.filter(d -> Files.exists(d.resolve("stream.json"))).toList();
        }
        assertEquals(1, streams.size(), streams.toString());
        try (Stream<Path> files = Files.walk(streams.get(0))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().contains("activations")),
                    "a stream stores no activations");
        }
    }

    private static JsonNode table(Map<String, String> env, String experiment) throws Exception {
        CliRun table = CliRun.of(env, "table", experiment, "--format", "json");
        assertEquals(0, table.exitCode(), table.err());
        return new ObjectMapper().readTree(table.out()).get("runs");
    }

    /**
     * A report of a model-sourced row carries evidence: the narrow target first with its top contexts (the token
     * marked in its context) and boosted logits, and every probe of the spec judged, with its numbers.
     */
    private static void assertInterpreted(JsonNode report, Path file) {
        JsonNode latents = report.path("interpretation").path("latents");
        assertTrue(latents.size() >= 1, "an interpretation in " + file);
        JsonNode target = latents.get(0);
        assertEquals("narrow", target.path("sae").asText());
        assertEquals(3, target.path("latent").asInt());
        assertEquals(10, target.path("top_logits").size(), target.toString());
        assertEquals(10, target.path("bottom_logits").size(), target.toString());
        JsonNode contexts = target.path("contexts");
        assertTrue(contexts.size() > 0, "the target fires on held-out tokens: " + target);
        assertTrue(contexts.get(0).path("token").asText().length() > 0, contexts.toString());
        assertEquals(latents.size() - 1, report.path("children").size(), "one entry per child after the target");
        JsonNode probes = report.path("interpretation").path("probes");
        assertEquals(2, probes.size(), probes.toString());
        for (JsonNode probe : probes) {
            assertEquals("-", probe.path("token").asText());
            assertTrue(probe.path("reason").asText().length() > 0, probe.toString());
            assertTrue(report.path("verdict").path("reason").asText().contains("probes: "), "the verdict names them");
        }
    }

    private static List<Path> splitReports() throws IOException {
        try (Stream<Path> files = Files.walk(services.home().resolve("artifacts").resolve("evaluation"))) {
            List<Path> reports = files.filter(f -> f.getFileName().toString().equals("split_report.json")).toList();
            assertEquals(2, reports.size(), reports.toString());
            return reports;
        }
    }

    private static Path activationCache() throws IOException {
        List<Path> caches = activationCaches();
        assertEquals(1, caches.size(), caches.toString());
        return caches.get(0);
    }

    private static List<Path> activationCaches() throws IOException {
        try (Stream<Path> dirs = Files.list(services.home().resolve("artifacts").resolve("activations"))) {
            // A streamed twin's artifact sits beside the cache, holding tokens and no manifest.
            return dirs.filter(d -> !d.getFileName().toString().startsWith("."))
                    .filter(d -> Files.exists(d.resolve(CacheManifest.FILE_NAME))).toList();
        }
    }
}
