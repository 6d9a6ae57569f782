package dev.saesplit.cli;

import dev.saesplit.activations.ActivationActivities;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.CachingProgress;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.worker.PendingHeartbeats;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saesplit run} finds the caching activity's progress in its latest heartbeat, as the server holds it. */
class CachingHeartbeatsTest {

    private static final String QUEUE = "caching";
    private static final CountDownLatch HEARTBEATED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    private final TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance();

    @AfterEach
    void close() {
        RELEASE.countDown();
        environment.close();
    }

    @WorkflowInterface
    public interface Caching {
        @WorkflowMethod
        ActivationsRef run();
    }

    public static final class CachingImpl implements Caching {
        private final ActivationActivities activities = Workflow.newActivityStub(ActivationActivities.class,
                ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
                        .setHeartbeatTimeout(Duration.ofMinutes(1)).build());

        @Override
        public ActivationsRef run() {
            return activities.ensureActivations("e", new ActivationSourceSpec.Npy(java.util.List.of()));
        }
    }

    /** Reports a quarter done, then waits until the test has looked. */
    static final class HeartbeatingActivities implements ActivationActivities {
        @Override
        public ActivationsRef ensureActivations(String experiment, ActivationSourceSpec source) {
            Activity.getExecutionContext().heartbeat(new CachingProgress(1024, 4096));
            HEARTBEATED.countDown();
            try {
                RELEASE.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    @Test
    void theLatestHeartbeatOfTheCachingActivityIsItsProgress() throws Exception {
        Worker worker = environment.newWorker(QUEUE);
        worker.registerWorkflowImplementationTypes(CachingImpl.class);
        worker.registerActivitiesImplementations(new HeartbeatingActivities());
        environment.start();
        WorkflowClient client = environment.getWorkflowClient();
        Caching workflow = client.newWorkflowStub(Caching.class,
                WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("caching-1").build());

        WorkflowClient.start(workflow::run);
        assertTrue(HEARTBEATED.await(30, TimeUnit.SECONDS));

        ProgressLine line = ProgressLine.stageOnly("activations");
        for (int i = 0; i < 50 && line.total() == 0; i++) {
            line = ActivityProgress.of(client, "activations",
                    PendingHeartbeats.describe(client, "caching-1").getPendingActivitiesList());
            Thread.sleep(100);
        }
        assertEquals(new ProgressLine("activations", "", 1024, 4096, "tokens", ""), line);
    }
}
