package dev.saesplit.train;

import dev.saesplit.activations.ActivationActivitiesImpl;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.init.InitActivitiesImpl;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.PipelineActivityOptions;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.TrainingSpec;
import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.store.TestPostgres;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A training that reports progress thousands of times leaves the workflow's history as small as one that
 * reports once, and its progress can still be read live: progress travels in heartbeat details, not signals.
 */
class TrainingProgressHistoryTest {

    private static final String SPEC = """
            name: long
            activations: {source: synthetic, d_in: 8, features: 16, parents: 2, tokens: 4k, seed: 3}
            narrow_sae: {width: 4, tokens: 4k}
            target_latent: 0
            runs:
              - {id: a, width: 8, seed: 5, init: random, normalised: true, data: all, loss: standard, tokens: 4k}
            """;
    private static final int STEPS = 4000;
    private static final int BATCH = 16;
    private static final long PAUSE_AT = 3000;
    /** Every step logs: STEPS progress reports. */
    private static final TrainingSpec TRAINING = new TrainingSpec(BATCH, 1e-3, 1.0, 5, 5, 0, 1000, 1);

    @WorkflowInterface
    public interface TrainOnly {
        @WorkflowMethod
        SaeRef train(TrainRequest request);
    }

    public static final class TrainOnlyImpl implements TrainOnly {
        private final TrainingActivities training =
                Workflow.newActivityStub(TrainingActivities.class, PipelineActivityOptions.TRAINING);

        @Override
        public SaeRef train(TrainRequest request) {
            return training.train(request);
        }
    }

    @Test
    void thousandsOfProgressReportsAddNoHistoryEventsAndStayReadableWhileTraining() throws Exception {
        Path root = TestPostgres.stateDir();
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        try (Database database = Database.open(TestPostgres.freshDatabase());
             TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                     TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
            ArtifactStore store = new ArtifactStore(root, database.dataSource());
            var spec = SpecParser.parse(SPEC, "long.yaml", Path.of("."));
            new ExperimentStore(database.dataSource()).submit(spec, SPEC, "long.yaml");
            ActivationsRef data = new ActivationActivitiesImpl(store).ensureActivations("long", spec.activations());
            SaeRef initial = new InitActivitiesImpl(store).initialise(
                    new InitRequest("long", "a", data, 8, 5, Init.RANDOM, true, null));

            Worker worker = env.newWorker(TaskQueues.GPU, WorkerOptions.newBuilder()
                    .setMaxHeartbeatThrottleInterval(Duration.ofMillis(200)).build());
            worker.registerWorkflowImplementationTypes(TrainOnlyImpl.class);
            worker.registerActivitiesImplementations(new TrainingActivitiesImpl(store,
                    new MetricsRecorder(database.dataSource()), new TrainingListener() {
                        @Override
                        public void onMetrics(TrainingMetrics m) {
                            if (m.step() == PAUSE_AT) {
                                paused.countDown();
                                await(resume);
                            }
                        }
                    }));
            env.start();
            WorkflowClient client = env.getWorkflowClient();
            TrainOnly workflow = client.newWorkflowStub(TrainOnly.class, WorkflowOptions.newBuilder()
                    .setWorkflowId("long-training").setTaskQueue(TaskQueues.GPU).build());
            WorkflowClient.start(workflow::train,
                    new TrainRequest("long", "a", initial, data, null, TRAINING, (long) STEPS * BATCH, 5, -1));

            assertTrue(paused.await(120, TimeUnit.SECONDS), "training never reached step " + PAUSE_AT);
            TrainingProgress live = awaitProgress(new TrainingProgressReader(client), "long-training");
            resume.countDown();
            workflow.train(null); // attaches to the started run and waits for its result

            assertEquals(PAUSE_AT, live.step(), "the progress read while paused is the latest report");
            assertEquals(STEPS, live.totalSteps());
            assertTrue(Double.isFinite(live.loss()) && live.loss() > 0, "loss " + live.loss());
            var events = client.fetchHistory("long-training").getHistory().getEventsList();
            assertEquals(0, events.stream()
                    .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).count());
            assertTrue(events.size() <= 20, STEPS + " progress reports grew the history to " + events.size()
                    + " events");
        } finally {
            resume.countDown();
            TestPostgres.deleteQuietly(root);
        }
    }

    private static TrainingProgress awaitProgress(TrainingProgressReader reader, String workflowId)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Optional<TrainingProgress> seen = Optional.empty();
        while (System.nanoTime() < deadline) {
            seen = reader.of(workflowId);
            if (seen.isPresent() && seen.get().step() == PAUSE_AT) {
                return seen.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("progress never reached step " + PAUSE_AT + "; last read " + seen);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
