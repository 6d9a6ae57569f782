package dev.saesplit.cli;

import dev.saesplit.stack.TestServices;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training and inspecting the narrow SAE before the sweep, through a real Temporal server, PostgreSQL and MLflow:
 * a spec without a run table or target, then {@code run --until narrow} on the full spec, each print the narrow
 * SAE's directory and its most frequent latents and train no row; the full run that follows reuses that SAE.
 */
class NarrowFirstRunTest {

    private static final String SPEC = "src/test/resources/narrow-first.yaml";
    private static TestServices services;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("until");
    }

    @AfterAll
    static void stopServices() throws Exception {
        services.close();
    }

    @Test
    void statusAndCancelFindAnExperimentRunningOnlyItsNarrowStage() throws Exception {
        Map<String, String> env = services.environment();
        Path spec = dir.resolve("narrow-cancel.yaml");
        Files.writeString(spec, Files.readString(Path.of(SPEC)).replace("name: narrow-first", "name: narrow-cancel"));
        // No worker anywhere: the narrow stage waits for one, so it is still running when cancelled.
        java.util.concurrent.CompletableFuture<CliRun> running = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> CliRun.of(env, "run", spec.toString(), "--until", "narrow", "--no-worker"));
        String narrowId = "saesplit/narrow-cancel/narrow";
        CliRun status = null;
        for (int attempt = 0; attempt < 120; attempt++) {
            status = CliRun.of(env, "status", "narrow-cancel", "--format", "json");
            if (status.out().contains("\"state\":\"running\"")) {
                break;
            }
            Thread.sleep(500);
        }

        assertTrue(status.out().contains("\"workflow_id\":\"" + narrowId + "\""), status.out());
        assertTrue(status.out().contains("\"state\":\"running\""), status.out());

        CliRun cancel = CliRun.of(env, "cancel", "narrow-cancel");

        assertEquals(0, cancel.exitCode(), cancel.out() + cancel.err());
        assertEquals("cancellation requested for " + narrowId + "\n", cancel.out());
        // A workflow takes its cancellation on a worker: launching again attaches with one, which delivers it.
        CliRun attached = CliRun.of(env, "run", spec.toString(), "--until", "narrow");
        CliRun run = running.get(2, java.util.concurrent.TimeUnit.MINUTES);
        assertEquals(1, attached.exitCode(), attached.out() + attached.err());
        assertTrue(attached.err().contains("cancel"), attached.err());
        assertEquals(1, run.exitCode(), run.out() + run.err());
        assertTrue(CliRun.of(env, "status", "narrow-cancel", "--format", "json").out()
                .contains("\"state\":\"cancelled\""));
    }

    @Test
    void theNarrowSaeIsTrainedAndShownFirstThenReusedByTheFullRun() throws Exception {
        Map<String, String> env = services.environment();
        String full = Files.readString(Path.of(SPEC));
        Path withoutRows = dir.resolve("narrow-first.yaml");
        Files.writeString(withoutRows, full.substring(0, full.indexOf("\nruns:") + 1)
                .replace("target_latent: {parent: 0}\n", ""));

        CliRun noRows = CliRun.of(env, "run", withoutRows.toString());

        assertEquals(0, noRows.exitCode(), noRows.out() + noRows.err());
        System.out.println(noRows.out()); // what a user sees, for whoever reads the test log
        assertTrue(noRows.out().contains("running as workflow saesplit/narrow-first/narrow"), noRows.out());
        Path narrow = narrowDirectory(noRows.out());
        for (String file : List.of("cfg.json", "sae_weights.safetensors", "sparsity.safetensors")) {
            assertTrue(Files.isRegularFile(narrow.resolve(file)), file + " in " + narrow);
        }
        assertMostFrequentLatents(noRows.out(), 10, 12);
        assertEquals(List.of(narrow), trainedSaes(""), "the narrow SAE is the one SAE trained");
        assertEquals(List.of(), trainedSaes("a"), "no row is trained");
        FileTime written = Files.getLastModifiedTime(narrow.resolve("sae_weights.safetensors"));

        CliRun until = CliRun.of(env, "run", SPEC, "--until", "narrow");

        assertEquals(0, until.exitCode(), until.out() + until.err());
        assertEquals(narrow, narrowDirectory(until.out()), "the same spec's narrow SAE, not trained again");
        assertEquals(latentLines(noRows.out()), latentLines(until.out()));
        assertEquals(List.of(), trainedSaes("a"), "--until narrow trains no row of a spec that has rows");
        assertEquals(List.of("pending"), rowStatuses(), "the run table is recorded, nothing in it started");

        CliRun whole = CliRun.of(env, "run", SPEC);

        assertEquals(0, whole.exitCode(), whole.out() + whole.err());
        assertTrue(whole.out().contains("| succeeded |"), whole.out());
        assertEquals(List.of(narrow), trainedSaes(""), "the full run reuses the narrow SAE");
        assertEquals(written, Files.getLastModifiedTime(narrow.resolve("sae_weights.safetensors")),
                "the narrow SAE's weights are not written again");
        assertEquals(1, trainedSaes("a").size(), "the row is trained");
        assertEquals(List.of("succeeded"), rowStatuses());
    }

    @Test
    void anUnknownStageIsAUsageError() {
        CliRun run = CliRun.of(services.environment(), "run", SPEC, "--until", "filter");

        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("expected 'narrow'"), run.err());
    }

    /** The directory printed on the "narrow SAE" line. */
    private static Path narrowDirectory(String out) {
        String line = out.lines().filter(l -> l.startsWith("narrow SAE (SAELens layout")).findFirst()
                .orElseThrow(() -> new AssertionError("no narrow SAE line in " + out));
        Path path = Path.of(line.substring(line.indexOf("): ") + 3));
        assertTrue(Files.isDirectory(path), line);
        return path;
    }

    /** A table of {@code rows} distinct latents below {@code width}, frequencies in [0, 1], most frequent first. */
    private static void assertMostFrequentLatents(String out, int rows, int width) {
        assertTrue(out.contains("top " + rows + " of " + width + " latents by firing frequency"), out);
        List<String> lines = latentLines(out);
        assertEquals(rows, lines.size(), out);
        List<Integer> latents = new ArrayList<>();
        double previous = 1;
        for (String line : lines) {
            String[] cells = line.split("\\|");
            int latent = Integer.parseInt(cells[1].strip());
            double frequency = Double.parseDouble(cells[2].strip());
            assertTrue(latent >= 0 && latent < width, line);
            assertTrue(frequency >= 0 && frequency <= previous, "in [0, 1], descending: " + line);
            latents.add(latent);
            previous = frequency;
        }
        assertEquals(rows, new HashSet<>(latents).size(), "distinct latents: " + latents);
        assertTrue(previous < 1 && Double.parseDouble(lines.get(0).split("\\|")[2].strip()) > 0,
                "the most frequent latent fires, and not on every token: " + lines);
    }

    private static List<String> latentLines(String out) {
        String table = out.substring(out.indexOf("| latent | frequency |"));
        return table.lines().skip(2).takeWhile(l -> l.startsWith("| ")).toList();
    }

    /** The directories of the SAEs trained for {@code runId} ("" for the narrow SAE), as the database records them. */
    private static List<Path> trainedSaes(String runId) throws Exception {
        try (Database database = Database.open(DatabaseConfig.local(services.home()));
             var c = database.connection();
             var select = c.prepareStatement("SELECT uri FROM artifacts WHERE producer = 'train' "
                     + "AND coalesce(run_id, '') = ? ORDER BY uri")) {
            select.setString(1, runId);
            List<Path> saes = new ArrayList<>();
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    saes.add(Path.of(URI.create(rs.getString(1))));
                }
            }
            return saes;
        }
    }

    private static List<String> rowStatuses() throws Exception {
        try (Database database = Database.open(DatabaseConfig.local(services.home()));
             var c = database.connection();
             var select = c.prepareStatement("SELECT r.status FROM runs r JOIN experiments e ON e.id = r.experiment_id "
                     + "WHERE e.name = 'narrow-first' ORDER BY r.position")) {
            List<String> statuses = new ArrayList<>();
            try (var rs = select.executeQuery()) {
                while (rs.next()) {
                    statuses.add(rs.getString(1));
                }
            }
            return statuses;
        }
    }
}
