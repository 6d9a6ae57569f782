package dev.saesplit.cli;

import dev.saesplit.airflow.AirflowDagRuns;
import dev.saesplit.airflow.model.DAGRunResponse;
import dev.saesplit.airflow.model.TaskInstanceResponse;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.stack.AirflowServer;
import dev.saesplit.stack.MlflowRest;
import dev.saesplit.stack.Stack;
import dev.saesplit.stack.TestAirflow;
import dev.saesplit.stack.TestServices;
import dev.saesplit.store.AirflowRunLinks;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Airflow in both directions, against a real Airflow 3 started by the project's own code, and real PostgreSQL,
 * Temporal and MLflow: the generated client drives the server; the saesplit_experiment DAG runs the quickstart
 * (on a worker in this JVM) and fails a run whose spec is invalid, with the validation message in its log.
 */
class AirflowTest {

    private static TestServices services;
    private static AirflowServer airflow;
    private static AirflowDagRuns runs;

    @BeforeAll
    static void start() throws Exception {
        services = TestServices.start("airflow");
        airflow = TestAirflow.start(services);
        runs = new AirflowDagRuns(airflow.client());
        awaitDags("saesplit_experiment", "prepare_tokens", "saesplit_on_checkpoint");
    }

    @AfterAll
    static void stop() throws IOException {
        if (airflow != null) {
            airflow.close();
        }
        services.close();
    }

    @Test
    void theGeneratedClientAuthenticatesUnpausesTriggersPollsAndReadsXcom(@TempDir Path out) throws Exception {
        runs.client().authenticate();
        runs.setPaused("prepare_tokens", true);
        assertTrue(runs.paused("prepare_tokens"));
        runs.setPaused("prepare_tokens", false);
        assertFalse(runs.paused("prepare_tokens"));

        Map<String, Object> conf = Map.of("text_dir", "experiments/texts", "output_dir", out.toString());
        DAGRunResponse triggered = runs.triggerOrAttach("prepare_tokens", "client-test", conf);
        DAGRunResponse again = runs.triggerOrAttach("prepare_tokens", "client-test", conf);
        DAGRunResponse done = await("prepare_tokens", triggered.getDagRunId());

        assertEquals("client-test", again.getDagRunId(), "the same run id attaches to the run");
        assertEquals(1, runs.recent("prepare_tokens", 10).stream()
                .filter(r -> r.getDagRunId().equals("client-test")).count());
        assertEquals("success", done.getState().getValue());
        Path tokens = out.resolve("tokens.npy");
        assertEquals(tokens.toString(), runs.xcom("prepare_tokens", "client-test", "tokenize", "path").orElseThrow());
        // experiments/texts/hyphens-a.txt and -b.txt hold 3056 and 2615 tokens of the fixture tokenizer
        assertEquals(3056 + 2615, npyTokens(tokens));
    }

    @Test
    void wrongCredentialsGiveAClearErrorNotAStackTrace() {
        Map<String, String> env = new HashMap<>(TestAirflow.environment(services, airflow));
        env.put("AIRFLOW_PASSWORD", "not-the-password");

        CliRun run = CliRun.of(env, "airflow", "runs");

        assertEquals(SaesplitCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertTrue(run.err().contains("refused the credentials of user 'admin'"), run.err());
        assertFalse(run.err().contains("\tat ") || run.err().contains("not-the-password"), run.err());
    }

    @Test
    void theExperimentDagRunsTheQuickstartToSuccessLinkedInPostgresAndMlflow() throws Exception {
        Map<String, String> env = TestAirflow.environment(services, airflow);
        try (Stack worker = Stack.open(services.environment())) {
            worker.startWorker(TaskQueues.all());

            CliRun trigger = CliRun.of(env, "airflow", "trigger", Path.of("..", "experiments", "quickstart.yaml").toString());

            assertEquals(0, trigger.exitCode(), trigger.out() + trigger.err());
            assertTrue(trigger.out().contains("succeeded: experiment 'quickstart'"), trigger.out());
            String runId = trigger.out().lines().filter(l -> l.startsWith("DAG run saesplit__quickstart__"))
                    .findFirst().orElseThrow().split(" ")[2];
            assertEquals("success", runs.get("saesplit_experiment", runId).getState().getValue());
            String table = runs.logTail("saesplit_experiment", runId, task(runId, "wait"), 40);
            assertTrue(table.contains("| run |") && table.contains("succeeded"), "the run table is in the log: " + table);
            try (Database database = Database.open(DatabaseConfig.local(services.home()))) {
                AirflowRunLinks.Link link = new AirflowRunLinks(database.dataSource()).of("quickstart").orElseThrow();
                assertEquals(runId, link.dagRunId());
                assertEquals(airflow.url() + "/dags/saesplit_experiment/runs/" + runId, link.url());
            }
            assertEquals(runId, awaitParentTag("quickstart", "airflow.dag_run_id"));
            CliRun list = CliRun.of(env, "airflow", "runs");
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith(runId) && l.contains("success")
                    && l.endsWith("quickstart")), list.out());
        }
    }

    @Test
    void aSpecThatFailsValidationFailsTheDagRunWithTheMessageInItsLog() throws Exception {
        Path spec = Files.createDirectories(TestAirflow.specFolder(services)).resolve("broken.yaml");
        Files.writeString(spec, Files.readString(Path.of("..", "experiments", "quickstart.yaml"))
                .replace("filter_threshold: 0.5", "filter_treshold: 0.5"));

        DAGRunResponse run = await("saesplit_experiment", runs.triggerOrAttach("saesplit_experiment", "broken-spec",
                Map.of("spec", spec.toString())).getDagRunId());

        assertEquals("failed", run.getState().getValue());
        List<TaskInstanceResponse> failed = runs.failedTasks("saesplit_experiment", "broken-spec");
        assertEquals(List.of("validate"), failed.stream().map(TaskInstanceResponse::getTaskId).toList());
        String log = runs.logTail("saesplit_experiment", "broken-spec", failed.get(0), 60);
        assertTrue(log.contains("filter_treshold"), log);
    }

    @Test
    void aSpecOutsideTheExperimentFoldersIsRefusedWithoutPrintingIt(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("credentials.yaml"), "pw-5f3e1c-not-a-spec\n");

        DAGRunResponse run = await("saesplit_experiment", runs.triggerOrAttach("saesplit_experiment", "outside",
                Map.of("spec", secret.toString())).getDagRunId());

        assertEquals("failed", run.getState().getValue());
        TaskInstanceResponse validate = runs.failedTasks("saesplit_experiment", "outside").get(0);
        String log = runs.logTail("saesplit_experiment", "outside", validate, 60);
        assertTrue(log.contains("inside the experiment folders"), log);
        assertFalse(log.contains("pw-5f3e1c"), log);
    }

    @Test
    void anExperimentWaitingOnPrepareTokensCompletesAndAKilledWorkerLeavesOneDagRun() throws Exception {
        Map<String, String> env = TestAirflow.environment(services, airflow);
        DAGRunResponse upstream;
        try (Stack first = Stack.open(env)) {
            first.startWorker(TaskQueues.all());
            CliRun submit = CliRun.of(env, "submit", "--start",
                    Path.of("..", "experiments", "airflow-tokens.yaml").toString());
            assertEquals(0, submit.exitCode(), submit.out() + submit.err());
            upstream = awaitRunOf("prepare_tokens", "saesplit__airflow-tokens__");
            assertFalse(AirflowDagRuns.finished(runs.get("prepare_tokens", upstream.getDagRunId())),
                    "the worker is killed while the activity waits");
        } // the worker stops mid-wait; the activity is retried on the next one
        try (Stack second = Stack.open(env)) {
            second.startWorker(TaskQueues.all());
            String state = awaitExperiment(env, "airflow-tokens");

            assertTrue(state.contains("\"state\":\"succeeded\""), state);
        }
        assertEquals(List.of(upstream.getDagRunId()), runs.recent("prepare_tokens", 50).stream()
                .map(DAGRunResponse::getDagRunId).filter(id -> id.startsWith("saesplit__airflow-tokens__")).toList());
        assertEquals("success", runs.get("prepare_tokens", upstream.getDagRunId()).getState().getValue());
    }

    private static DAGRunResponse awaitRunOf(String dagId, String prefix) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            for (DAGRunResponse run : runs.recent(dagId, 20)) {
                if (run.getDagRunId().startsWith(prefix)) {
                    return run;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no run of " + dagId + " starting " + prefix);
    }

    private static String awaitExperiment(Map<String, String> env, String experiment) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
        while (true) {
            CliRun status = CliRun.of(env, "status", experiment, "--format", "json");
            if (!status.out().contains("\"state\":\"running\"") || System.nanoTime() > deadline) {
                return status.out() + status.err();
            }
            Thread.sleep(2000);
        }
    }

    private static TaskInstanceResponse task(String runId, String taskId) throws Exception {
        return runs.client().read("GET task", () -> runs.client().taskInstances()
                .getTaskInstance("saesplit_experiment", runId, taskId));
    }

    private static DAGRunResponse await(String dagId, String runId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            DAGRunResponse run = runs.get(dagId, runId);
            if (AirflowDagRuns.finished(run)) {
                return run;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(dagId + " run " + runId + " did not finish in 5 minutes");
    }

    private static void awaitDags(String... dagIds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        for (String dagId : dagIds) {
            while (!runs.exists(dagId)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Airflow did not parse DAG " + dagId);
                }
                Thread.sleep(1000);
            }
        }
    }

    /** The MLflow parent run's tag, once tracking has delivered it. */
    private static String awaitParentTag(String experiment, String tag) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            var parent = new MlflowRest(services.mlflowUri()).runs(experiment).get(experiment);
            String value = parent == null ? null : MlflowRest.entries(parent, "tags").get(tag);
            if (value != null || System.nanoTime() > deadline) {
                return value;
            }
            Thread.sleep(1000);
        }
    }

    /** The number of int32 tokens in a 1-D {@code .npy} file (version 1 header). */
    private static long npyTokens(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = ByteBuffer.wrap(bytes, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
        String header = new String(bytes, 10, headerLength);
        assertTrue(header.contains("'descr': '<i4'"), header);
        return (bytes.length - 10 - headerLength) / 4;
    }
}
