package dev.saesplit.cli;

import dev.saesplit.stack.TestServices;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.experiment.ExperimentResult;
import dev.saesplit.lm.train.LanguageModelTrainingHeartbeat;
import dev.saesplit.lm.dataset.PythonStdlib;
import dev.saesplit.pipeline.CachingProgress;
import dev.saesplit.pipeline.ScanProgress;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.stack.PipelineWorkers;
import dev.saesplit.stack.TrainingSlots;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.table.RunStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every long stage of an experiment shows how far it is in the lines {@code run} and {@code status} print, while it
 * runs: the real workflows and activities on a tiny study of the code-hyphen kind (a model trained on the standard
 * library's {@code email} package, its token target, filtered rows), each held still right after the heartbeat a
 * test waits for. Outputs are content-addressed in one store, so each test redoes only the stages before its own
 * that an earlier test did not finish.
 */
class StageProgressTest {

    private static final String LM = """
            name: email-progress
            model: {layers: 1, d_model: 32, heads: 2, d_mlp: 128, n_ctx: 32, vocab: 512}
            dataset: {source: folder, path: %s, held_out: 0.1}
            training: {steps: 40, batch_size: 8, learning_rate: 3.0e-3, eval_every: 10, eval_contexts: 16, seed: %d}
            """;
    /**
     * The model every test but the model stage's own reuses, and one for each of those, which it trains for itself
     * (a model another test finished would be reused, untrained).
     */
    private static final String SHARED_MODEL = "lm.yaml";
    private static final String OWN_MODEL = "lm-own.yaml";
    private static final String OWN_MODEL_READ = "lm-own-read.yaml";
    /** The activations every test but caching's reuses; that test caches a different number of tokens. */
    private static final String SHARED_TOKENS = "24k";
    private static final String EXPERIMENT = """
            name: %s
            activations:
              source: model
              model: {train: %s}
              dataset: {source: folder, path: %s, held_out: 0.1}
              hook: blocks.0.hook_mlp_out
              context_size: 32
              tokens: %s
            narrow_sae: {width: 16, tokens: 20k, seed: 1}
            target_latent: {token: "-"}
            filter_threshold: 0.0
            training: {batch_size: 256, learning_rate: 3.0e-3, sparsity_coefficient: 0.5, lr_warmup_steps: 10,
                       l1_warmup_steps: 20, checkpoint_every: 100, log_every: 20}
            runs:
              - {id: 1, purpose: "filtered data", width: 32, seed: 1, init: random, normalised: true, data: filtered, loss: standard, tokens: 10k}
            """;
    private static final long WAIT_SECONDS = 240;

    private static Path home;
    private static Database database;
    private static ArtifactStore store;
    private static TestWorkflowEnvironment temporal;

    @BeforeAll
    static void start() throws IOException {
        home = TestServices.home("progress");
        database = Database.open(DatabaseConfig.local(home));
        store = new ArtifactStore(home.resolve("artifacts"), database.dataSource());
        temporal = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false).build());
        Files.writeString(home.resolve(SHARED_MODEL), LM.formatted(email(), 0));
        Files.writeString(home.resolve(OWN_MODEL), LM.formatted(email(), 1));
        Files.writeString(home.resolve(OWN_MODEL_READ), LM.formatted(email(), 2));
    }

    @AfterAll
    static void stop() throws IOException {
        temporal.close();
        database.close();
        PathUtils.deleteDirectory(home);
    }

    @Test
    void languageModelTrainingShowsStepsLossHeldOutLossAndTimeLeft() throws Exception {
        assertShownWhilePaused(submitted("progress-lm", OWN_MODEL, SHARED_TOKENS), "TrainLanguageModel", details -> details instanceof LanguageModelTrainingHeartbeat h
                        && h.heldOutStep() > 0 && h.secondsLeft() >= 0 && h.step() < h.totalSteps(), "experiment",
                "experiment   language model #*\\.* 10/40 steps  loss \\d\\.\\d+  held-out \\d\\.\\d+ at step 10  "
                        + "about .+ left  running .+");
    }

    @Test
    void languageModelStageShowsTheCorpusDocumentsReadBeforeItsFirstStep() throws Exception {
        assertShownWhilePaused(submitted("progress-lm-read", OWN_MODEL_READ, SHARED_TOKENS), "TrainLanguageModel",
                details -> details instanceof LanguageModelTrainingHeartbeat h && h.step() == 0
                        && h.documentsRead() > 0 && h.documentsRead() < h.documents(), "experiment",
                "experiment   language model reading the corpus #*\\.+ \\d+/\\d+ documents  running .+");
    }

    @Test
    void cachingShowsTheTokensCached() throws Exception {
        assertShownWhilePaused(submitted("progress-cache", SHARED_MODEL, "23k"), "EnsureActivations", details -> details instanceof CachingProgress p
                        && p.tokensCached() > 0 && p.tokensCached() < p.totalTokens(), "experiment",
                "experiment   activations #*\\.+ \\d+/\\d+ tokens  running .+");
    }

    @Test
    void theTokenTargetChoiceShowsTheRowsScanned() throws Exception {
        assertShownWhilePaused(shared("progress-target"), "ChooseTokenTarget", StageProgressTest::partWayThroughAPass, "experiment",
                "experiment   filter     token target #*\\.+ \\d+/\\d+ rows  running .+");
    }

    @Test
    void theFilterShowsTheRowsItSelectedFrom() throws Exception {
        assertShownWhilePaused(shared("progress-filter"), "SelectFiltered", StageProgressTest::partWayThroughAPass, "experiment",
                "experiment   filter     selecting #*\\.+ \\d+/\\d+ rows  running .+");
    }

    @Test
    void anEvaluationShowsItsPassOverTheHeldOutRows() throws Exception {
        assertShownWhilePaused(shared("progress-evaluate"), "Evaluate", details -> details instanceof ScanProgress p
                        && p.rowsPerPass() > 0 && p.rowsRead() > p.rowsPerPass() && p.rowsInPass() < p.rowsPerPass(),
                "run 1", "run 1        evaluate   pass 2 #*\\.+ \\d+/\\d+ rows", true);
    }

    @Test
    void anExperimentThatEndedSaysHowWithoutAWorkerToAskAndHowLongItRan() throws Exception {
        WorkflowClient client = temporal.getWorkflowClient();
        ExperimentSpec spec = shared("progress-ended");
        String workflowId = WorkflowIds.experiment(spec.name());
        ExperimentLaunch.start(client, workflowId, spec);
        client.newUntypedWorkflowStub(workflowId).terminate("ended before any worker saw it");

        String shown = ProgressView.render("experiment", ProgressQueries.of(client, spec.name(), List.of("1"))
                .get("experiment"));
        assertTrue(Pattern.matches("experiment   terminated  ran \\d+ s", shown), "status shows: " + shown);
    }

    private static boolean partWayThroughAPass(Object details) {
        return details instanceof ScanProgress p && p.rowsRead() > 0 && p.rowsRead() < p.rowsPerPass();
    }

    /** An experiment on the model and activations the tests share: its stage's output may already exist. */
    private static ExperimentSpec shared(String name) throws Exception {
        return submitted(name, SHARED_MODEL, SHARED_TOKENS);
    }

    /**
     * Runs experiment {@code spec} until {@code activityType} heartbeats what {@code when} accepts, and asserts
     * that the line {@code label} of the live progress matches {@code expected} while it is held there.
     */
    private static void assertShownWhilePaused(ExperimentSpec spec, String activityType, Predicate<Object> when,
                                               String label, String expected) throws Exception {
        assertShownWhilePaused(spec, activityType, when, label, expected, false);
    }

    /** As above; if {@code thenSucceeds}, the experiment must then finish, its stages none the worse for reporting. */
    private static void assertShownWhilePaused(ExperimentSpec spec, String activityType, Predicate<Object> when,
                                               String label, String expected, boolean thenSucceeds)
            throws Exception {
        HeartbeatPause pause = new HeartbeatPause(activityType, when);
        WorkflowClient client = temporal.getWorkflowClient();
        WorkerFactory workers = PipelineWorkers.create(client, List.of(TaskQueues.CPU, TaskQueues.GPU), store,
                database.dataSource(), () -> null, TrainingSlots.onThisMachine(1), List.of(pause));
        workers.start();
        String name = spec.name();
        String workflowId = WorkflowIds.experiment(name);
        try {
            ExperimentLaunch.start(client, workflowId, spec);
            assertTrue(pause.awaitPaused(WAIT_SECONDS), activityType + " never reported the progress awaited");
            Pattern pattern = Pattern.compile(expected);
            String shown = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!pattern.matcher(shown).matches() && System.nanoTime() < deadline) {
                shown = ProgressView.render(label, ProgressQueries.of(client, name, List.of("1")).get(label));
                Thread.sleep(100);
            }
            assertTrue(pattern.matcher(shown).matches(), "status shows: " + shown);
            System.out.println("status shows: " + shown);
            if (thenSucceeds) {
                pause.release();
                ExperimentResult result = client.newUntypedWorkflowStub(workflowId)
                        .getResult(WAIT_SECONDS, TimeUnit.SECONDS, ExperimentResult.class);
                assertEquals(RunStatus.SUCCEEDED, result.status(), result.toString());
            }
        } finally {
            pause.release();
            try {
                client.newUntypedWorkflowStub(workflowId).terminate("the test has seen the stage's progress");
            } catch (WorkflowNotFoundException | WorkflowFailedException notRunning) {
                // never started (the failure that stopped it is the test's), or already finished
            }
            workers.shutdownNow();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    private static ExperimentSpec submitted(String name, String model, String tokens) throws Exception {
        String yaml = EXPERIMENT.formatted(name, model, email(), tokens);
        Path file = home.resolve("experiment-" + name + ".yaml");
        Files.writeString(file, yaml);
        ExperimentSpec spec = SpecParser.parse(file);
        new ExperimentStore(database.dataSource()).submit(spec, yaml, file.toString());
        return spec;
    }

    private static Path email() {
        return PythonStdlib.locate().resolve("email");
    }
}
