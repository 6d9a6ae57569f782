package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.stack.MlflowRest;
import dev.saesplit.stack.TestServices;
import dev.saesplit.stack.TrackedMetrics;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saesplit run} on the quickstart, twice, through a real Temporal server, PostgreSQL and MLflow: the run
 * table fills, MLflow holds the experiment as people review it, and a re-run computes and tracks nothing twice.
 */
class RunCommandTest {

    private static TestServices services;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("run");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void theQuickstartRunsToAFilledRunTableTrackedInMlflowAndARerunReusesEveryOutput() throws Exception {
        Map<String, String> env = services.environment();
        String quickstart = Path.of("..", "experiments", "quickstart.yaml").toString();

        CliRun first = CliRun.of(env, "run", quickstart);

        assertEquals(0, first.exitCode(), first.out() + first.err());
        String table = tableOf(first.out());
        assertEquals(5, table.lines().filter(l -> l.contains("| succeeded |")).count(), table);
        assertVerdictsAreTheGroundTruths(table);
        long artifacts = countArtifacts();

        assertTrue(first.out().matches("(?s).*MLflow: " + java.util.regex.Pattern.quote(services.mlflowUri())
                + "/#/experiments/\\d+/runs\\b.*"), first.out());
        assertTrue(first.out().matches("(?s).*\nfilter: kept [0-9,]+ of [0-9,]+ tokens \\([0-9.]+ %\\)\n.*"),
                first.out());
        Path page = reportPage(first.out());
        assertTrue(Files.readString(page).contains("<table class=\"run-table\">"), "report.html has the run table");
        CliRun report = CliRun.of(env, "report", "quickstart");
        assertEquals(0, report.exitCode(), report.err());
        assertEquals(page.toString(), report.out().strip(), "an unchanged experiment's report is the same file");
        assertTracked(table);
        assertStageTimings(first.out());
        assertGoodSaes(CliRun.of(env, "table", "quickstart", "--format", "json"));

        CliRun again = CliRun.of(env, "run", quickstart);

        assertEquals(0, again.exitCode(), again.err());
        assertEquals(table, tableOf(again.out()));
        assertEquals(artifacts, countArtifacts(), "a re-run computes nothing new");
        assertEveryRecordedPointTrackedOnce(new MlflowRest(services.mlflowUri()).runs("quickstart"));
    }

    /**
     * The quickstart's known answer: every row's behavioural verdict is the generator's ground truth, with a reason:
     * every wide SAE splits the parent, those trained on all tokens and those trained on its tokens alone (judged on
     * those tokens, with the latents they share with the rest of the data set aside); and every SAE explains at
     * least 70 % of the variance of the data it was trained on.
     */
    private static void assertVerdictsAreTheGroundTruths(String table) {
        List<String> header = cells(table.lines().findFirst().orElseThrow());
        int verdict = header.indexOf("split success");
        int truth = header.indexOf("ground truth");
        Map<String, String> expected = Map.of("1", "yes", "2", "yes", "3", "yes", "4", "yes", "5", "yes");
        List<String> rows = table.lines().skip(2).takeWhile(line -> line.startsWith("|")).toList();
        assertEquals(expected.size(), rows.size(), table);
        for (String line : rows) {
            List<String> row = cells(line);
            assertEquals(expected.get(row.get(0)), row.get(verdict), line);
            assertEquals(row.get(truth), row.get(verdict), "behaviour agrees with the ground truth: " + line);
            // The reason below the table: one sentence naming the children counted and the deciding figure.
            String reason = "  " + row.get(0) + "  children [0-9, ]+(\\+\\d+ more )?cover \\d+% of the target.*";
            assertTrue(table.lines().anyMatch(l -> l.matches(reason)), "a reason for run " + row.get(0) + ":\n"
                    + table);
        }
    }

    /**
     * The summary's timings are there for every stage and consistent: a stage's compute is at most its wall time
     * × the rows that may run at once (the quickstart's max_parallel_runs, 2), and the overhead is a share.
     */
    private static void assertStageTimings(String output) {
        java.util.regex.Pattern stage = java.util.regex.Pattern.compile(
                "(?m)^(\\w+) +([0-9.]+) s +([0-9.]+) s +([0-9.]+)x +([0-9.]+)%$");
        Map<String, double[]> stages = new java.util.HashMap<>();
        var m = stage.matcher(output);
        while (m.find()) {
            stages.put(m.group(1), new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
        }
        assertEquals(Set.of("cache", "narrow", "filter", "init", "train", "evaluate", "report", "record"),
                stages.keySet(), output);
        stages.forEach((name, wallCompute) -> assertTrue(wallCompute[1] <= wallCompute[0] * 2 + 0.01,
                name + ": compute " + wallCompute[1] + " s over wall " + wallCompute[0] + " s × 2 rows"));
        var overall = java.util.regex.Pattern.compile("(?m)^experiment ([0-9.]+) s wall, ([0-9.]+) s with an "
                + "activity running, ([0-9.]+) s compute: orchestration overhead ([0-9.]+) %$").matcher(output);
        assertTrue(overall.find(), output);
        double wall = Double.parseDouble(overall.group(1));
        double busy = Double.parseDouble(overall.group(2));
        assertTrue(busy <= wall + 0.01 && busy <= Double.parseDouble(overall.group(3)) + 0.01, overall.group());
        assertEquals(100 * (1 - busy / wall), Double.parseDouble(overall.group(4)), 0.2, overall.group());
        assertTrue(stages.get("train")[1] > 1, "training is most of the compute: " + overall.group());
    }

    /** Explained variance on each SAE's own training data: all held-out tokens, or the target's for filtered rows. */
    private static void assertGoodSaes(CliRun json) throws Exception {
        assertEquals(0, json.exitCode(), json.err());
        for (JsonNode run : new ObjectMapper().readTree(json.out()).get("runs")) {
            String own = run.path("data").asText().equals("filtered") ? "filtered" : "all";
            double explained = run.path("results").path("final/" + own + "/explained_variance").asDouble(Double.NaN);
            assertTrue(explained >= 0.7, "run " + run.path("run") + " explains " + explained + " on " + own);
        }
    }

    private static List<String> cells(String line) {
        String[] parts = line.split("\\|");
        List<String> cells = new java.util.ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            cells.add(parts[i].strip());
        }
        return cells;
    }

    private static Path reportPage(String output) {
        String line = output.lines().filter(l -> l.startsWith("report: ")).findFirst().orElseThrow(() ->
                new AssertionError("no report line in " + output));
        Path page = Path.of(line.substring("report: ".length()));
        assertTrue(Files.isRegularFile(page), line);
        return page;
    }

    private static String tableOf(String output) {
        return output.substring(output.indexOf("| run |"), output.indexOf("\nMLflow:")).strip();
    }

    /** MLflow holds the experiment: a parent run and a nested run per row, with params, metrics and artifacts. */
    private static void assertTracked(String table) throws Exception {
        Map<String, JsonNode> runs = new MlflowRest(services.mlflowUri()).runs("quickstart");
        assertEquals(Set.of("quickstart", "1", "2", "3", "4", "5"), runs.keySet());
        String parent = MlflowRest.runId(runs.get("quickstart"));
        for (String row : List.of("1", "2", "3", "4", "5")) {
            JsonNode run = runs.get(row);
            Map<String, String> tags = MlflowRest.entries(run, "tags");
            Map<String, String> params = MlflowRest.entries(run, "params");
            assertEquals(parent, tags.get("mlflow.parentRunId"), "run " + row + " is nested");
            assertEquals("FINISHED", run.path("info").path("status").asText());
            assertEquals("saesplit/quickstart/run-" + row, tags.get("saesplit.workflow_id"));
            assertTrue(tags.containsKey("saesplit.git_commit") && tags.containsKey("saesplit.version"), tags.toString());
            assertTrue(table.lines().anyMatch(l -> l.startsWith("| " + row + " ")
                    && l.contains("| " + tags.get("saesplit.split_success") + " ")), "split tag of run " + row);
            for (String param : List.of("init", "normalised", "data", "loss", "width", "seed", "tokens",
                    "filter_threshold", "target_latent.parent", "training.learning_rate")) {
                assertTrue(params.containsKey(param), "run " + row + " lacks param " + param + ": " + params);
            }
        }
        assertEquals("narrow", MlflowRest.entries(runs.get("3"), "params").get("init"));
        assertEquals("0.5", MlflowRest.entries(runs.get("1"), "params").get("filter_threshold"));
        // The parent run carries the whole spec but the run table.
        assertEquals("400000", MlflowRest.entries(runs.get("quickstart"), "params").get("activations.tokens"));
        assertEveryRecordedPointTrackedOnce(runs);
        assertArtifactsMatch(runs);
    }

    /** Every metric point PostgreSQL recorded is in MLflow, once. */
    private static void assertEveryRecordedPointTrackedOnce(Map<String, JsonNode> runs) throws Exception {
        MlflowRest mlflow = new MlflowRest(services.mlflowUri());
        var recorded = TrackedMetrics.recorded(services.home(), "quickstart");
        assertTrue(recorded.get("3").get("train/loss").size() > 40, "the trainer logged a curve");
        for (var run : recorded.entrySet()) {
            String runId = MlflowRest.runId(runs.get(run.getKey().isEmpty() ? "quickstart" : run.getKey()));
            for (var metric : run.getValue().entrySet()) {
                List<Long> steps = new ArrayList<>(mlflow.metricSteps(runId, metric.getKey()));
                steps.sort(null);
                assertEquals(metric.getValue(), steps, "points of " + metric.getKey() + " in run '" + run.getKey() + "'");
            }
        }
    }

    /** Artifacts downloaded back from MLflow equal, byte for byte, the files saesplit produced. */
    private static void assertArtifactsMatch(Map<String, JsonNode> runs) throws Exception {
        MlflowRest mlflow = new MlflowRest(services.mlflowUri());
        JsonNode row = runs.get("3");
        String experimentId = row.path("info").path("experiment_id").asText();
        Path sae = artifactDirectory("train", "3");
        for (String file : List.of("cfg.json", "sae_weights.safetensors", "sparsity.safetensors")) {
            assertArrayEquals(Files.readAllBytes(sae.resolve(file)),
                    mlflow.artifact(experimentId, MlflowRest.runId(row), "sae/" + file), file);
        }
        Path report = artifactDirectory("report", "");
        String parent = MlflowRest.runId(runs.get("quickstart"));
        for (String file : List.of("report.html", "run_table.csv", "run_table.json", "loss_curves.png",
                "feature_density.png", "filter_histogram.png")) {
            assertArrayEquals(Files.readAllBytes(report.resolve(file)), mlflow.artifact(experimentId, parent, file),
                    file);
        }
        assertArrayEquals(Files.readAllBytes(report.resolve("run-3/split_report.json")),
                mlflow.artifact(experimentId, MlflowRest.runId(row), "evaluation/split_report.json"));
        Map<String, String> parentTags = MlflowRest.entries(runs.get("quickstart"), "tags");
        assertTrue(parentTags.get("mlflow.note.content").contains("| split success |"), "the table describes the run");
        assertTrue(parentTags.get("mlflow.loggedArtifacts").contains("\"type\": \"table\"")
                || parentTags.get("mlflow.loggedArtifacts").contains("\"type\":\"table\""), "run_table.json is a table");
    }

    private static Path artifactDirectory(String producer, String runId) throws Exception {
        try (Database database = Database.open(DatabaseConfig.local(services.home()));
             var c = database.connection();
             var select = c.prepareStatement("SELECT uri FROM artifacts WHERE producer = ? AND coalesce(run_id, '') = ?")) {
            select.setString(1, producer);
            select.setString(2, runId);
            try (var rs = select.executeQuery()) {
                assertTrue(rs.next(), "no " + producer + " artifact");
                return Path.of(java.net.URI.create(rs.getString(1)));
            }
        }
    }

    private static long countArtifacts() throws IOException {
        Path artifacts = services.home().resolve("artifacts");
        try (var dirs = Files.walk(artifacts, 2)) {
            Path scratch = artifacts.resolve("work"); // training's checkpoint space, not an output
            return dirs.filter(p -> p.getNameCount() - artifacts.getNameCount() == 2 && !p.startsWith(scratch))
                    .count();
        }
    }
}
