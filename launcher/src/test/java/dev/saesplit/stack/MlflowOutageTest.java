package dev.saesplit.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saesplit.cli.SaesplitCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MLflow stopped in the middle of an experiment and started again: the experiment runs on, the tracking data
 * waits in PostgreSQL, and afterwards MLflow holds every metric point exactly once.
 */
class MlflowOutageTest {

    private static final String SPEC = """
            name: outage
            activations: {source: synthetic, d_in: 128, features: 512, parents: 2, tokens: 200k, seed: 5}
            narrow_sae: {width: 32, tokens: 100k, seed: 1}
            target_latent: {parent: 0}
            training: {batch_size: 1024, learning_rate: 1.0e-3, sparsity_coefficient: 1.0, lr_warmup_steps: 20,
                       l1_warmup_steps: 20, checkpoint_every: 100, log_every: 5}
            runs:
              - {id: 1, width: 1024, seed: 3, init: random, normalised: true, data: all, loss: standard, tokens: 1M}
            """;

    private static TestServices services;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("outage");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void metricPointsLoggedWhileMlflowWasDownArriveExactlyOnceAfterItReturns() throws Exception {
        Path spec = services.home().resolve("outage.yaml");
        Files.writeString(spec, SPEC);
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> SaesplitCommand
                .commandLine(services.environment(), true).setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(out, true)).execute("run", spec.toString()));
        MlflowRest mlflow = new MlflowRest(services.mlflowUri());
        awaitTrainingPointsInMlflow(mlflow);

        services.stopMlflow();
        Thread.sleep(Duration.ofSeconds(6).toMillis()); // training goes on; its points wait in PostgreSQL
        services.startMlflow();

        assertEquals(0, run.get(5, TimeUnit.MINUTES), out.toString());
        Map<String, JsonNode> runs = mlflow.runs("outage");
        var recorded = TrackedMetrics.recorded(services.home(), "outage");
        assertTrue(recorded.get("1").get("train/loss").size() >= 190, "the trainer logged every 5 of ~976 steps");
        for (var row : recorded.entrySet()) {
            String runId = MlflowRest.runId(runs.get(row.getKey().isEmpty() ? "outage" : row.getKey()));
            for (var metric : row.getValue().entrySet()) {
                List<Long> steps = new ArrayList<>(mlflow.metricSteps(runId, metric.getKey()));
                steps.sort(null);
                assertEquals(metric.getValue(), steps, "points of " + metric.getKey() + " in run '" + row.getKey() + "'");
            }
        }
        assertEquals("FINISHED", runs.get("1").path("info").path("status").asText());
    }

    /** Waits until MLflow has received part of the row's training curve, so the outage cuts it in two. */
    private static void awaitTrainingPointsInMlflow(MlflowRest mlflow) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                JsonNode row = mlflow.runs("outage").get("1");
                if (row != null && mlflow.metricSteps(MlflowRest.runId(row), "train/loss").size() >= 10) {
                    return;
                }
            } catch (IOException | RuntimeException notYet) {
                // the experiment or run does not exist in MLflow yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no training points reached MLflow");
    }
}
