package dev.saesplit.train;

import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.TrainingProgress;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two rows train on a worker with one training slot: the server reports the second's training as scheduled but
 * not started, which is what progress shows as "queued", and the first's as started, with its heartbeated steps.
 */
class QueuedTrainingTest {

    private static final CountDownLatch STARTED = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final TrainingProgress HALF_WAY = new TrainingProgress(50, 100, 0.25);

    /** Reports half way, then holds its slot until the test has looked. */
    static final class SlotHoldingTraining implements TrainingActivities {
        @Override
        public SaeRef train(TrainRequest request) {
            Activity.getExecutionContext().heartbeat(new TrainingHeartbeat(0, "", HALF_WAY));
            STARTED.countDown();
            try {
                RELEASE.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public java.util.List<SaeRef> trainTogether(GroupTrainRequest request) {
            throw new UnsupportedOperationException("rows trained one by one here");
        }
    }

    @Test
    void aTrainingWaitingForTheOnlySlotIsQueuedAndTheOneHoldingItShowsItsSteps() throws Exception {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(
                TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build())) {
            Worker worker = env.newWorker(TaskQueues.GPU, WorkerOptions.newBuilder()
                    .setMaxConcurrentActivityExecutionSize(1)
                    .setMaxHeartbeatThrottleInterval(Duration.ofMillis(100)).build());
            worker.registerWorkflowImplementationTypes(TrainingProgressHistoryTest.TrainOnlyImpl.class);
            worker.registerActivitiesImplementations(new SlotHoldingTraining());
            env.start();
            WorkflowClient client = env.getWorkflowClient();
            TrainingProgressReader reader = new TrainingProgressReader(client);
            for (String row : new String[] {"row-1", "row-2"}) {
                WorkflowClient.start(client.newWorkflowStub(TrainingProgressHistoryTest.TrainOnly.class, WorkflowOptions.newBuilder()
                        .setWorkflowId(row).setTaskQueue(TaskQueues.GPU).build())::train, null);
            }
            try {
                assertTrue(STARTED.await(30, TimeUnit.SECONDS), "no training started");
                awaitReported(reader);
                var one = reader.pending("row-1").orElseThrow();
                var two = reader.pending("row-2").orElseThrow();
                TrainingProgressReader.PendingTraining running = one.queued() ? two : one;
                TrainingProgressReader.PendingTraining queued = one.queued() ? one : two;

                assertFalse(running.queued(), "one row holds the slot");
                assertEquals(Optional.of(HALF_WAY), running.progress());
                assertTrue(queued.queued(), "the other waits for it");
                assertEquals(Optional.empty(), queued.progress());
            } finally {
                RELEASE.countDown();
            }
        }
    }

    /** Waits until the started training's heartbeat has reached the server. */
    private static void awaitReported(TrainingProgressReader reader) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (reader.of("row-1").isPresent() || reader.of("row-2").isPresent()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the started training never reported its progress");
    }
}
