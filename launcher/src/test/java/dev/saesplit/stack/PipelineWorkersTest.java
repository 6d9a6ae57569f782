package dev.saesplit.stack;

import dev.saesplit.pipeline.TaskQueues;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A worker polls only the queues it is given, and runs as many trainings at once as it has slots. */
class PipelineWorkersTest {

    @Test
    void aGpuWorkerPollsOnlyTrainingWithItsSlots() {
        // As many threads as cores: the process-wide libtorch setting stays what other tests expect.
        TrainingSlots slots = new TrainingSlots(3, Runtime.getRuntime().availableProcessors());
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            WorkerFactory factory = PipelineWorkers.create(env.getWorkflowClient(), List.of(TaskQueues.GPU), null,
                    null, () -> null, slots);

            assertEquals(3, factory.getWorker(TaskQueues.GPU).getWorkerOptions()
                    .getMaxConcurrentActivityExecutionSize());
            assertNull(factory.tryGetWorker(TaskQueues.CPU), "a gpu worker runs no workflow and no data stage");
            factory.shutdownNow();
        }
    }

    @Test
    void aCpuWorkerLeavesTrainingToOthers() {
        try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
            WorkerFactory factory = PipelineWorkers.create(env.getWorkflowClient(), List.of(TaskQueues.CPU), null,
                    null, () -> null, new TrainingSlots(1, 1));

            assertNull(factory.tryGetWorker(TaskQueues.GPU));
            assertEquals(TaskQueues.CPU, factory.getWorker(TaskQueues.CPU).getTaskQueue());
            factory.shutdownNow();
        }
    }
}
