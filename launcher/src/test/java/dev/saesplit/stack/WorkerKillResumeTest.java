package dev.saesplit.stack;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.experiment.ExperimentResult;
import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.table.RunStatus;
import dev.saesplit.train.TrainRequest;
import dev.saesplit.train.TrainingActivities;
import dev.saesplit.train.TrainingActivitiesImpl;
import dev.saesplit.train.TrainingProgressReader;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability promise end to end, against a real Temporal server and PostgreSQL: a worker process killed
 * with SIGKILL in the middle of training is replaced by a new one, the experiment completes, the resumed
 * training lost at most one checkpoint interval, and its weights equal an uninterrupted training's.
 */
class WorkerKillResumeTest {

    private static final int CHECKPOINT_EVERY = 100;
    private static final String SPEC = """
            name: kill-resume
            activations: {source: synthetic, d_in: 128, features: 512, parents: 2, tokens: 200k, seed: 11}
            narrow_sae: {width: 32, tokens: 50k, seed: 1}
            target_latent: {parent: 0}
            training:
              batch_size: 1024
              learning_rate: 1.0e-3
              sparsity_coefficient: 1.0
              lr_warmup_steps: 20
              l1_warmup_steps: 20
              checkpoint_every: %d
              log_every: 10
            runs:
              - {id: 1, width: 1024, seed: 3, init: random, normalised: true, data: all, loss: standard, tokens: 1.5M}
            """.formatted(CHECKPOINT_EVERY);

    private static TestServices services;
    private static Path home;
    private static LocalPostgres postgres;
    private static WorkflowServiceStubs stubs;
    private static WorkflowClient client;
    private static final List<Process> workers = new ArrayList<>();

    @BeforeAll
    static void startServices() {
        services = TestServices.start("kill");
        home = services.home();
        postgres = services.postgres();
        stubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(services.temporal().address()).build());
        client = WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder()
                .setNamespace(TemporalServer.NAMESPACE).build());
    }

    @AfterAll
    static void stopServices() throws IOException {
        workers.forEach(Process::destroyForcibly);
        stubs.shutdownNow();
        services.close();
    }

    @Test
    void aWorkerKilledMidTrainingIsReplacedAndTheRunLosesAtMostOneCheckpointInterval() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC, "kill-resume.yaml", Path.of("."));
        try (Database database = Database.open(DatabaseConfig.local(home))) {
            new ExperimentStore(database.dataSource()).submit(spec, SPEC, "kill-resume.yaml");
        }
        Process first = startWorker("worker-1.log");
        ExperimentWorkflow workflow = client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.experiment(spec.name())).setTaskQueue(TaskQueues.CPU).build());
        WorkflowClient.start(workflow::run, spec);

        awaitTrainingStep(spec, 3 * CHECKPOINT_EVERY + 50);
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no goodbye to the server
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        long lastStepBeforeKill = lastLoggedStep();
        startWorker("worker-2.log");

        ExperimentResult result = WorkflowStub.fromTyped(workflow).getResult(5, TimeUnit.MINUTES,
                ExperimentResult.class);

        assertEquals(RunStatus.SUCCEEDED, result.status(), result.toString());
        assertTrue(java.nio.file.Files.exists(home.resolve("temporal.db-wal")),
                "the dev server persists the workflows in SQLite's write-ahead mode");
        long resumedFrom = resumedFromStep();
        System.out.printf("worker killed at step %d; its successor resumed from step %d (checkpoints every %d)%n",
                lastStepBeforeKill, resumedFrom, CHECKPOINT_EVERY);
        assertTrue(resumedFrom > 0, "the retried attempt resumed from a checkpoint");
        assertTrue(lastStepBeforeKill - resumedFrom <= CHECKPOINT_EVERY, "lost " + (lastStepBeforeKill - resumedFrom)
                + " steps: killed at step " + lastStepBeforeKill + ", resumed from " + resumedFrom);
        assertTrue(uninterruptedWeights(spec).bitwiseEquals(trainedWeights()),
                "the resumed run's weights differ from an uninterrupted run's");
    }

    /** The same training request, run without interruption in a fresh store and database. */
    private static SaeWeights uninterruptedWeights(ExperimentSpec spec) throws Exception {
        RunSpec row = spec.runs().get(0);
        ActivationsRef data;
        SaeRef initial;
        try (Database database = Database.open(DatabaseConfig.local(home))) {
            ArtifactRef activations = artifact(database, "activations", "");
            try (var source = dev.saesplit.data.ActivationSources.open(ArtifactStore.directory(activations))) {
                data = new ActivationsRef(activations, source.dIn(), source.tokens(), "synthetic", "hierarchy");
            }
            initial = new SaeRef(artifact(database, "init", row.id()), data.dIn(), row.width());
        }
        createDatabase("reference");
        Path root = home.resolve("reference-artifacts");
        TestActivityEnvironment env = TestActivityEnvironment.newInstance();
        try (Database reference = Database.open(new DatabaseConfig(Optional.of(
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/reference"), LocalPostgres.USER, postgres.password(),
                home))) {
            env.registerActivitiesImplementations(new TrainingActivitiesImpl(
                    new ArtifactStore(root, reference.dataSource()), new MetricsRecorder(reference.dataSource())));
            SaeRef trained = env.newActivityStub(TrainingActivities.class).train(new TrainRequest(spec.name(),
                    row.id(), initial, data, null, spec.training(), row.tokens(), row.seed(), -1));
            return SaeLensFormat.read(ArtifactStore.directory(trained.artifact()));
        } finally {
            env.close();
        }
    }

    private static SaeWeights trainedWeights() throws SQLException {
        try (Database database = Database.open(DatabaseConfig.local(home))) {
            return SaeLensFormat.read(ArtifactStore.directory(artifact(database, "train", "1")));
        }
    }

    private static ArtifactRef artifact(Database database, String producer, String runId) throws SQLException {
        try (Connection c = database.connection();
             var select = c.prepareStatement("SELECT kind, output_key, uri, content_hash FROM artifacts "
                     + "WHERE producer = ? AND coalesce(run_id, '') = ?")) {
            select.setString(1, producer);
            select.setString(2, runId);
            try (ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next(), "no " + producer + " artifact for run '" + runId + "'");
                return new ArtifactRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4));
            }
        }
    }

    private static void awaitTrainingStep(ExperimentSpec spec, long step) throws InterruptedException {
        String run = WorkflowIds.run(spec.name(), spec.runs().get(0).id());
        TrainingProgressReader progress = new TrainingProgressReader(client);
        long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (progress.of(run).map(TrainingProgress::step).orElse(0L) >= step) {
                    return;
                }
            } catch (RuntimeException notStartedYet) {
                // the row's workflow starts after the narrow SAE
            }
            Thread.sleep(200);
        }
        throw new AssertionError("training never reached step " + step);
    }

    private static long lastLoggedStep() throws SQLException {
        return metric("SELECT max(step) FROM metrics WHERE run_id = '1' AND key = 'train/loss'");
    }

    private static long resumedFromStep() throws SQLException {
        return metric("SELECT max(step) FROM metrics WHERE run_id = '1' AND key = 'train/resumed_from_step'");
    }

    private static long metric(String sql) throws SQLException {
        try (Database database = Database.open(DatabaseConfig.local(home));
             Connection c = database.connection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void createDatabase(String name) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres", LocalPostgres.USER,
                postgres.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
    }

    /** A worker in a JVM of its own, as {@code saesplit worker} runs it. */
    private static Process startWorker(String log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dsaesplit.root=" + ProjectRoot.get(),
                "dev.saesplit.cli.SaesplitCommand", "worker")
                .redirectErrorStream(true).redirectOutput(home.resolve(log).toFile());
        builder.environment().putAll(services.environment());
        Process process = builder.start();
        workers.add(process);
        return process;
    }
}
