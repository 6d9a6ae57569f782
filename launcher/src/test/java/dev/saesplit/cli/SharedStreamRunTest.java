package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.stack.MlflowRest;
import dev.saesplit.stack.TestServices;
import io.temporal.api.history.v1.HistoryEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code training.shared_stream} end to end through a real Temporal server, PostgreSQL and MLflow: the experiment
 * trains its all-data rows together and its filtered rows together, one activity per group, and every row still has
 * its table row with a verdict, its own MLflow run with its curves, and its row workflow that evaluated it.
 */
class SharedStreamRunTest {

    /** The quickstart's shape, smaller: one parent studied on all and on filtered tokens. */
    private static final String SPEC = """
            name: shared-stream
            activations: {source: synthetic, d_in: 32, features: 24, parents: 2, children_per_parent: 3, firing_probability: 0.04, child_probability: 0.6, tokens: 120k, seed: 7}
            narrow_sae: {width: 8, tokens: 100k, seed: 0}
            target_latent: {parent: 0}
            filter_threshold: 0.5
            training: {batch_size: 256, learning_rate: 3.0e-3, sparsity_coefficient: 1.0, lr_warmup_steps: 20, l1_warmup_steps: 100, checkpoint_every: 40, log_every: 20, shared_stream: true}
            split: {min_children: 2}
            runs:
              - {id: all-1, width: 32, seed: 1, init: random, normalised: true, data: all, loss: standard, tokens: 60k}
              - {id: all-2, width: 32, seed: 2, init: narrow, normalised: true, data: all, loss: zero-target, tokens: 40k}
              - {id: filtered-1, width: 24, seed: 1, init: random, normalised: true, data: filtered, loss: standard, tokens: 40k}
              - {id: filtered-2, width: 24, seed: 2, init: narrow, normalised: true, data: filtered, loss: standard, tokens: 40k}
            """;
    private static final List<String> ROWS = List.of("all-1", "all-2", "filtered-1", "filtered-2");
    private static TestServices services;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("shared-stream");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void rowsTrainedTogetherKeepTheirTableRowsVerdictsAndMlflowRuns() throws Exception {
        Path spec = Files.writeString(dir.resolve("shared-stream.yaml"), SPEC);

        CliRun run = CliRun.of(services.environment(), "run", spec.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        String table = run.out().substring(run.out().indexOf("| run "), run.out().indexOf("\nMLflow:")).strip();
        for (String row : ROWS) {
            assertTrue(table.lines().anyMatch(l -> l.startsWith("| " + row + " ") && l.contains("| succeeded |")),
                    row + " has its succeeded row: " + table);
        }
        assertEquals(Set.of(List.of("all-1", "all-2"), List.of("filtered-1", "filtered-2")),
                Set.copyOf(groupsTrained()), "one activity per data selection, each trained once");
        assertEquals(2, groupsTrained().size());
        for (String row : ROWS) {
            List<String> activities = activities(WorkflowIds.run("shared-stream", row));
            assertEquals(List.of("RunStatus", "Evaluate", "RunResult"), activities,
                    row + "'s workflow evaluates the SAE it was handed, training nothing itself");
        }
        Map<String, JsonNode> runs = new MlflowRest(services.mlflowUri()).runs("shared-stream");
        assertEquals(Set.of("shared-stream", "all-1", "all-2", "filtered-1", "filtered-2"), runs.keySet());
        String parent = MlflowRest.runId(runs.get("shared-stream"));
        MlflowRest mlflow = new MlflowRest(services.mlflowUri());
        for (String row : ROWS) {
            JsonNode tracked = runs.get(row);
            Map<String, String> tags = MlflowRest.entries(tracked, "tags");
            assertEquals(parent, tags.get("mlflow.parentRunId"), row);
            assertEquals("FINISHED", tracked.path("info").path("status").asText(), row);
            assertTrue(tags.containsKey("saesplit.split_success"), row + " has its verdict: " + tags);
            List<Long> curve = mlflow.metricSteps(MlflowRest.runId(tracked), "train/loss");
            assertFalse(curve.isEmpty(), row + " has its own loss curve");
            assertEquals(0L, curve.get(0), row);
        }
    }

    /** The run ids of each group the experiment trained together, from its history. */
    private static List<List<String>> groupsTrained() {
        return services.workflowClient().fetchHistory(WorkflowIds.experiment("shared-stream")).getEvents().stream()
                .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
                .map(HistoryEvent::getActivityTaskScheduledEventAttributes)
                .filter(a -> a.getActivityType().getName().equals("TrainTogether"))
                .map(a -> a.getInput().getPayloads(0).getData().toStringUtf8())
                .map(input -> ROWS.stream().filter(row -> input.contains("\"runId\":\"" + row + "\"")).toList())
                .toList();
    }

    private static List<String> activities(String workflowId) {
        return services.workflowClient().fetchHistory(workflowId).getEvents().stream()
                .filter(HistoryEvent::hasActivityTaskScheduledEventAttributes)
                .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
                .toList();
    }
}
