package dev.saesplit.stack;

import dev.saesplit.artifact.ArtifactStoreConfig;
import dev.saesplit.artifact.SharedStorage;
import dev.saesplit.artifact.SharedUploads;
import dev.saesplit.experiment.ExperimentResult;
import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.RunTableRow;
import dev.saesplit.table.SplitOutcome;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several machines simulated on one host: a {@code cpu} worker and a {@code gpu} worker, each a process with a
 * {@code SAESPLIT_HOME} of its own, sharing only the servers (Temporal, PostgreSQL, MLflow) and the artifact store
 * ({@code SAESPLIT_ARTIFACTS}: a shared directory, then MLflow's artifact proxy). The quickstart runs to its known
 * table; the gpu worker is killed with SIGKILL mid-training and replaced by one with a fresh, empty home, which
 * resumes from the checkpoint its predecessor published to the shared store.
 */
class MultiMachineSimulationTest {

    /** Every row splits, the filtered ones judged on the target's tokens, as RunCommandTest asserts. */
    private static final Map<String, SplitOutcome> QUICKSTART_VERDICTS = Map.of("1", SplitOutcome.YES,
            "2", SplitOutcome.YES, "3", SplitOutcome.YES, "4", SplitOutcome.YES, "5", SplitOutcome.YES);
    /** Checkpoints this often (not part of the trained SAE's key, so the verdicts stay the quickstart's). */
    private static final int CHECKPOINT_EVERY = 50;
    /**
     * The gpu worker is killed once a checkpoint at least this far in is published: beyond the narrow SAE's 781
     * steps, so a wide row's training (rows 1, 3 and 4 train 1,562 steps) is under way.
     */
    private static final long KILL_AFTER_STEP = 800;

    private static TestServices services;
    private static WorkflowClient client;
    private final List<Process> workers = new ArrayList<>();

    @BeforeAll
    static void startServices() {
        services = TestServices.start("machines");
        client = services.workflowClient();
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    /** This test's workers go before the next test starts: they would take its tasks with the wrong database. */
    @AfterEach
    void stopWorkers() throws InterruptedException {
        for (Process worker : workers) {
            worker.destroyForcibly();
            worker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void throughASharedDirectory() throws Exception {
        Path shared = Files.createDirectories(services.home().resolve("shared-store"));
        runOnTwoMachines("machines_dir", shared.toUri().toString());
        try (Stream<Path> kinds = Files.list(shared)) {
            assertTrue(kinds.map(p -> p.getFileName().toString()).collect(Collectors.toSet())
                    .containsAll(Set.of("activations", "sae", "filtered", "evaluation", "report")), "outputs in " + shared);
        }
    }

    @Test
    void throughMlflowsArtifactProxy() throws Exception {
        String store = services.mlflowUri().replace("http://", "mlflow-artifacts://") + "/saesplit";
        runOnTwoMachines("machines_mlflow", store);
        SharedStorage proxy = ArtifactStoreConfig.fromEnvironment(Map.of("SAESPLIT_ARTIFACTS", store)).storage()
                .orElseThrow();
        assertTrue(proxy.list("").stream().map(SharedStorage.Entry::name).collect(Collectors.toSet())
                .containsAll(Set.of("activations", "sae", "filtered", "evaluation", "report")), "outputs behind " + store);
    }

    private void runOnTwoMachines(String name, String artifacts) throws Exception {
        String yaml = Files.readString(Path.of("..", "experiments", "quickstart.yaml"))
                .replaceFirst("(?m)^name: quickstart$", "name: " + name.replace('_', '-'))
                .replaceFirst("checkpoint_every: \\d+", "checkpoint_every: " + CHECKPOINT_EVERY);
        ExperimentSpec spec = SpecParser.parse(yaml, name + ".yaml", Path.of("."));
        Map<String, String> environment = environment(name, artifacts);
        try (Database database = Database.open(DatabaseConfig.fromEnvironment(environment))) {
            new ExperimentStore(database.dataSource()).submit(spec, yaml, name + ".yaml");
        }
        Path cpuHome = start(environment, "cpu", "cpu");
        Path gpuHome = start(environment, "gpu", "gpu-1");
        ExperimentWorkflow workflow = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.experiment(spec.name())).setTaskQueue(TaskQueues.CPU).build());
        WorkflowClient.start(workflow::run, spec);

        long published = awaitPublishedCheckpoint(environment, KILL_AFTER_STEP);
        Process gpu = workers.get(1);
        gpu.destroyForcibly(); // SIGKILL: the machine is gone
        assertTrue(gpu.waitFor(30, TimeUnit.SECONDS));
        Path newGpuHome = start(environment, "gpu", "gpu-2");

        ExperimentResult result = WorkflowStub.fromTyped(workflow).getResult(8, TimeUnit.MINUTES,
                ExperimentResult.class);

        assertEquals(RunStatus.SUCCEEDED, result.status(), result.toString());
        String log = Files.readString(newGpuHome.resolve("worker.log"));
        try (Database database = Database.open(DatabaseConfig.fromEnvironment(environment))) {
            List<RunTableRow> table = new ExperimentStore(database.dataSource()).runTable(spec.name());
            for (RunTableRow row : table) {
                assertEquals(RunStatus.SUCCEEDED, row.status(), row.toString());
                assertEquals(Optional.of(QUICKSTART_VERDICTS.get(row.runId())), row.splitSuccess(), row.toString());
                assertEquals(row.groundTruth(), row.splitSuccess(), "behaviour agrees with the ground truth: " + row);
            }
            assertEquals(QUICKSTART_VERDICTS.keySet(), table.stream().map(RunTableRow::runId)
                    .collect(Collectors.toSet()));
            long resumedFrom = resumedFromStep(database);
            System.out.printf("%s: gpu worker killed once checkpoint step %d was published; its replacement "
                    + "resumed from step %d%n", artifacts, published, resumedFrom);
            assertTrue(resumedFrom >= published, "resumed from the published checkpoint, not from scratch: "
                    + resumedFrom + "; the new gpu worker's log:\n" + log);
        }
        assertTrue(log.contains("resuming from checkpoint step "), "the new machine downloaded a checkpoint:\n"
                + log);
        for (Path home : List.of(cpuHome, gpuHome, newGpuHome)) {
            assertOnlyCopiesAndWork(home);
        }
    }

    /** A machine's home holds copies of shared artifacts and work in progress, never an artifact of its own. */
    private static void assertOnlyCopiesAndWork(Path home) throws IOException {
        Path artifacts = home.resolve("artifacts");
        if (!Files.isDirectory(artifacts)) {
            return;
        }
        try (Stream<Path> children = Files.list(artifacts)) {
            Set<String> names = children.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
            assertTrue(Set.of("copies", "work").containsAll(names), home + " holds " + names);
        }
    }

    private static Map<String, String> environment(String database, String artifacts) throws Exception {
        LocalPostgres postgres = services.postgres();
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port()
                + "/postgres", LocalPostgres.USER, postgres.password()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        Map<String, String> environment = new HashMap<>(services.environment());
        environment.put("SAESPLIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/" + database);
        environment.put("SAESPLIT_DB_USER", LocalPostgres.USER);
        environment.put("SAESPLIT_DB_PASSWORD", postgres.password());
        environment.put("SAESPLIT_ARTIFACTS", artifacts);
        return environment;
    }

    /** A worker on a new "machine": a JVM of its own with an empty home, as {@code saesplit worker} runs it. */
    private Path start(Map<String, String> environment, String queues, String machine) throws IOException {
        Path home = Files.createDirectories(services.home().resolve("machines").resolve(environment
                .get("SAESPLIT_ARTIFACTS").hashCode() + "-" + machine));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                "-Dsaesplit.root=" + ProjectRoot.get(),
                "dev.saesplit.cli.SaesplitCommand", "worker", "--queues", queues)
                .redirectErrorStream(true).redirectOutput(home.resolve("worker.log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("SAESPLIT_HOME", home.toString());
        workers.add(builder.start());
        return home;
    }

    /**
     * Waits until a training has published a checkpoint at {@code minStep} or later to the shared store (which
     * only a completed, uploaded checkpoint reaches) and returns its step.
     */
    private static long awaitPublishedCheckpoint(Map<String, String> environment, long minStep) throws Exception {
        SharedUploads store = new SharedUploads(ArtifactStoreConfig.fromEnvironment(environment).storage()
                .orElseThrow());
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            for (SharedStorage.Entry key : store.storage().list("work/sae")) {
                for (String name : store.published("work/sae/" + key.name() + "/checkpoints")) {
                    long step = Long.parseLong(name.substring("step-".length(), "step-".length() + 12));
                    if (step >= minStep) {
                        return step;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no training published a checkpoint at step " + minStep + " or later");
    }

    /** The furthest step any row's training resumed from. */
    private static long resumedFromStep(Database database) throws Exception {
        try (Connection c = database.connection(); var select = c.prepareStatement(
                "SELECT coalesce(max(step), 0) FROM metrics WHERE key = 'train/resumed_from_step'")) {
            try (ResultSet rs = select.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
