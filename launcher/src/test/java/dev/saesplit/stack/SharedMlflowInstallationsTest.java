package dev.saesplit.stack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.store.RunStateRecorder;
import dev.saesplit.store.SubmittedExperiments;
import dev.saesplit.table.RunStatus;
import dev.saesplit.track.MlflowBackend;
import dev.saesplit.track.TrackingContext;
import dev.saesplit.track.TrackingSync;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Two installations, each with its own database, run an experiment of the same name against one real MLflow
 * server: each gets runs of its own, and no metric point is ever appended twice, even to a run found by its key.
 */
class SharedMlflowInstallationsTest {

    private static final List<Long> STEPS = List.of(0L, 1L, 2L, 3L, 4L);

    private static Path home;
    private static LocalPostgres postgres;
    private static MlflowServer mlflow;
    private static MlflowRest rest;

    @BeforeAll
    static void start() throws Exception {
        home = TestServices.home("installations");
        postgres = LocalPostgres.startOrAttach(DatabaseConfig.local(home).localDataDir(), DatabaseConfig.binaryCache());
        mlflow = MlflowServer.start(home, new PythonEnvironment(ProjectRoot.get()), LoopbackPorts.free(), false);
        rest = new MlflowRest(mlflow.trackingUri());
    }

    @AfterAll
    static void stop() throws Exception {
        mlflow.close();
        postgres.close();
        PathUtils.deleteDirectory(home);
    }

    @Test
    void installationsSharingAnMlflowServerAndAnExperimentNameKeepTheirRunsApart() throws Exception {
        try (Database lab1 = installation("lab_one"); Database lab2 = installation("lab_two")) {
            runAndSync(lab1, "shared", 1.0);
            runAndSync(lab2, "shared", 2.0);

            List<JsonNode> runs = rest.allRuns("shared");
            assertEquals(4, runs.size(), "a parent and a row run per installation");
            List<JsonNode> rows = runs.stream().filter(r -> r.path("info").path("run_name").asText().equals("a"))
                    .toList();
            assertEquals(2, rows.size());
            assertNotEquals(MlflowRest.entries(rows.get(0), "tags").get("saesplit.key"),
                    MlflowRest.entries(rows.get(1), "tags").get("saesplit.key"));
            Set<String> finalLosses = rows.stream().map(r -> MlflowRest.entries(r, "metrics").get("train/loss"))
                    .collect(Collectors.toSet());
            assertEquals(Set.of("1.4", "2.4"), finalLosses, "each run holds its own installation's curve");
            for (JsonNode row : rows) {
                assertEquals(STEPS, rest.metricSteps(MlflowRest.runId(row), "train/loss").stream().sorted().toList());
            }
        }
    }

    @Test
    void aRunFoundByItsKeyIsNotSentPointsTheServerAlreadyHolds() throws Exception {
        try (Database lab = installation("lab_restored")) {
            runAndSync(lab, "restored", 1.0);
            // As if the database were restored from before the delivery and the points recorded again: no run id
            // recorded, no point sent, each point stamped a second later than the one MLflow holds.
            try (Connection c = lab.connection(); var s = c.createStatement()) {
                s.executeUpdate("UPDATE runs SET mlflow_run_id = NULL");
                s.executeUpdate("UPDATE experiments SET mlflow_parent_run_id = NULL");
                s.executeUpdate("UPDATE metrics SET synced_at = NULL, send_attempted = false,"
                        + " recorded_ms = recorded_ms + 1000");
            }

            assertEquals(0, sync(lab).syncOnce().pending());

            List<JsonNode> runs = rest.allRuns("restored");
            assertEquals(2, runs.size(), "the runs were found by their key, not made again");
            JsonNode row = runs.stream().filter(r -> r.path("info").path("run_name").asText().equals("a"))
                    .findFirst().orElseThrow();
            assertEquals(STEPS, rest.metricSteps(MlflowRest.runId(row), "train/loss").stream().sorted().toList());
        }
    }

    /** A database of its own: what one installation's PostgreSQL holds. */
    private static Database installation(String name) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), LocalPostgres.USER, postgres.password());
             var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return Database.open(new DatabaseConfig(Optional.of("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/"
                + name), LocalPostgres.USER, postgres.password(), home));
    }

    /** Submits the experiment, records row a's loss curve (offset + step / 10) and delivers it. */
    private static void runAndSync(Database database, String experiment, double offset) throws Exception {
        String yaml = SubmittedExperiments.oneRowSpec(experiment);
        new ExperimentStore(database.dataSource()).submit(SpecParser.parse(yaml, "s.yaml", Path.of(".")), yaml, "s");
        RunStateRecorder states = new RunStateRecorder(database.dataSource());
        states.experimentStatus(experiment, RunStatus.RUNNING, "saesplit/" + experiment);
        states.runStatus(experiment, "a", RunStatus.RUNNING, "saesplit/" + experiment + "/run-a");
        MetricsRecorder metrics = new MetricsRecorder(database.dataSource());
        for (long step : STEPS) {
            metrics.record(experiment, "a", step, Map.of("train/loss", offset + step / 10.0));
        }
        assertEquals(0, sync(database).syncOnce().pending());
    }

    private static TrackingSync sync(Database database) {
        return new TrackingSync(database.dataSource(), new MlflowBackend(mlflow.trackingUri()),
                new TrackingContext("test", "test"), home.resolve("artifacts"));
    }
}
