package dev.saesplit.track;

import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.evaluate.ReconstructionSummary;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.store.RunStateRecorder;
import dev.saesplit.store.TestPostgres;
import dev.saesplit.store.TrackingOutbox;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Delivery from PostgreSQL to the tracking server: complete, ordered, within limits, and exactly once. */
class TrackingSyncTest {

    private static final String SPEC = """
            name: tracked
            activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 10k}
            narrow_sae: {width: 8, tokens: 10k}
            target_latent: 3
            filter_threshold: 1.5
            runs:
              - {id: a, width: 32, seed: 1, init: narrow, normalised: true, data: filtered, loss: standard, tokens: 10k}
              - {id: m, width: 32, seed: 1, init: narrow, normalised: false, data: all, loss: standard, tokens: 10k,
                 architecture: matryoshka, k: 2.5, groups: [8, 24]}
            """;

    private Database database;
    private final RecordingBackend backend = new RecordingBackend();
    private TrackingSync sync;

    @BeforeEach
    void submit() throws Exception {
        database = Database.open(TestPostgres.freshDatabase());
        new ExperimentStore(database.dataSource()).submit(SpecParser.parse(SPEC, "t.yaml", Path.of(".")), SPEC, "t");
        sync = new TrackingSync(database.dataSource(), backend, new TrackingContext("1.2.3", "abc"), Path.of("."));
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void aRowBecomesANestedRunWithItsConfigurationAsParams() {
        new RunStateRecorder(database.dataSource()).experimentStatus("tracked", RunStatus.RUNNING, "saesplit/tracked");
        new RunStateRecorder(database.dataSource()).runStatus("tracked", "a", RunStatus.RUNNING, "saesplit/tracked/run-a");

        assertEquals(0, sync.syncOnce().pending());

        String parent = backend.runNamed("tracked");
        String row = backend.runNamed("a");
        assertEquals(parent, backend.runTags.get(row).get("mlflow.parentRunId"));
        assertEquals("saesplit/tracked/run-a", backend.runTags.get(row).get("saesplit.workflow_id"));
        assertEquals("abc", backend.runTags.get(row).get("saesplit.git_commit"));
        Map<String, String> params = backend.params.get(row);
        assertEquals("narrow", params.get("init"));
        assertEquals("yes", params.get("normalised"));
        assertEquals("filtered", params.get("data"));
        assertEquals("1.5", params.get("filter_threshold"));
        assertEquals("3", params.get("target_latent.value"));
        assertEquals("10000", params.get("tokens"));
        assertEquals("16", backend.params.get(parent).get("activations.d_in"));
        assertEquals("relu", params.get("architecture"), "a row naming none trains ReLU");
        assertFalse(params.containsKey("k"));
    }

    @Test
    void aRowsArchitectureAndItsSettingsAreParams() {
        new RunStateRecorder(database.dataSource()).experimentStatus("tracked", RunStatus.RUNNING, "saesplit/tracked");
        new RunStateRecorder(database.dataSource()).runStatus("tracked", "m", RunStatus.RUNNING, "saesplit/tracked/run-m");

        assertEquals(0, sync.syncOnce().pending());

        Map<String, String> params = backend.params.get(backend.runNamed("m"));
        assertEquals("matryoshka", params.get("architecture"));
        assertEquals("2.5", params.get("k"));
        assertEquals("8+24", params.get("groups"));
        assertFalse(params.containsKey("l0_coefficient"));
    }

    @Test
    void theExperimentOpensInTheTrainingRunsViewAndTakesItsDescriptionFromTheOutbox() throws Exception {
        new RunStateRecorder(database.dataSource()).experimentStatus("tracked", RunStatus.RUNNING, "saesplit/tracked");
        try (var c = database.connection()) {
            TrackingOutbox.enqueue(c, "tracked", "", TrackingOutbox.Kind.EXPERIMENT_TAGS,
                    Map.of("mlflow.note.content", "| run | split success |"));
        }

        assertEquals(0, sync.syncOnce().pending());

        Map<String, String> tags = backend.experimentTags.get(backend.experiments.get("tracked"));
        assertEquals("custom_model_development", tags.get("mlflow.experimentKind"));
        assertEquals("| run | split success |", tags.get("mlflow.note.content"));
    }

    @Test
    void metricPointsArriveExactlyOnceWhenAnAcknowledgementIsLost() {
        record(2500);
        backend.acknowledgementsToLose = 1; // the first batch is stored, but the sync never hears so

        SyncReport first = sync.syncOnce();
        SyncReport second = sync.syncOnce();

        assertTrue(first.unavailable().isPresent());
        assertEquals(0, second.pending());
        List<TrackingBackend.MetricPoint> points = backend.points.get(backend.runNamed("a"));
        assertEquals(2500, points.size());
        assertEquals(2500, points.stream().map(p -> p.key() + "@" + p.step()).distinct().count());
        assertEquals(3, backend.metricBatches, "2500 points need three batches of at most 1000; "
                + "the reconciled batch is not sent twice");
    }

    @Test
    void nothingIsLostWhileTheServerIsDown() {
        backend.down = true;
        record(120);

        SyncReport down = sync.syncOnce();
        backend.down = false;
        SyncReport back = sync.syncOnce();

        assertEquals(120, down.pending());
        assertTrue(down.unavailable().isPresent());
        assertEquals(0, back.pending());
        assertEquals(120, backend.points.get(backend.runNamed("a")).size());
    }

    @Test
    void aRowsResultBecomesTagsAMetricAndItsEnd() {
        RunStateRecorder recorder = new RunStateRecorder(database.dataSource());
        recorder.runStatus("tracked", "a", RunStatus.RUNNING, "w");
        ReconstructionSummary fit = new ReconstructionSummary(1000, 0.1, 0.9, 5, 0);
        recorder.runResult("tracked", "a", new EvaluationResult(fit, fit, 2, 2, 0.6, SplitOutcome.PARTIAL,
                "2 distinct children cover 60% of the target's tokens", SplitOutcome.PARTIAL, "2 of 3 children", null,
                null));

        sync.syncOnce();

        String row = backend.runNamed("a");
        assertEquals("partial", backend.runTags.get(row).get("saesplit.split_success"));
        assertEquals("2 of 3 children", backend.runTags.get(row).get("saesplit.ground_truth_reason"));
        assertEquals("FINISHED", backend.status.get(row));
        assertTrue(backend.points.get(row).contains(new TrackingBackend.MetricPoint("split/success", 0.5, 0,
                backend.points.get(row).stream().filter(p -> p.key().equals("split/success")).findFirst()
                        .orElseThrow().timestampMillis())));
    }

    @Test
    void rewritingAnUnchangedPointAfterDeliveryDoesNotDeliverItAgain() {
        record(10);
        sync.syncOnce();

        record(10); // a resumed training recomputes the same points

        assertEquals(0, sync.backlog());
        assertEquals(10, backend.points.get(backend.runNamed("a")).size());
    }

    /** {@code count} metric points for row a: one key, consecutive steps, deterministic values. */
    private void record(int count) {
        MetricsRecorder metrics = new MetricsRecorder(database.dataSource());
        IntStream.range(0, count).forEach(step -> {
            Map<String, Double> value = new HashMap<>();
            value.put("train/loss", 1.0 / (step + 1));
            metrics.record("tracked", "a", step, value);
        });
    }
}
