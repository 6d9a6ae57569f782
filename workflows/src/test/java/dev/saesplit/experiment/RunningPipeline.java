package dev.saesplit.experiment;

import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A test server running {@link FakePipeline}'s stand-ins (its {@code Training} on the gpu queue) for each test, and
 * the stubs a test starts experiments through.
 */
final class RunningPipeline implements BeforeEachCallback, AfterEachCallback {

    final FakePipeline fake = new FakePipeline();
    private TestWorkflowEnvironment env;

    @Override
    public void beforeEach(ExtensionContext context) {
        env = fake.startEnvironment(fake.new Training());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        fake.release.countDown();
        env.close();
    }

    WorkflowClient client() {
        return env.getWorkflowClient();
    }

    /** A stub of the experiment workflow that {@code yaml} names, on the cpu queue. */
    ExperimentWorkflow experiment(String yaml) throws SpecValidationException {
        return client().newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.experiment(spec(yaml).name()))
                .setTaskQueue(TaskQueues.CPU)
                .build());
    }

    /**
     * Starts the experiment {@code yaml} names with row {@code row} held inside training, and returns once the row is
     * there; the hold ends when the test does, or earlier through {@link FakePipeline#release}.
     */
    ExperimentWorkflow startHolding(String row, String yaml) throws SpecValidationException, InterruptedException {
        fake.blockedRow = row;
        ExperimentWorkflow workflow = experiment(yaml);
        WorkflowClient.start(workflow::run, spec(yaml));
        assertTrue(fake.blockedRowEntered.await(30, TimeUnit.SECONDS), "row " + row + " never reached training");
        return workflow;
    }

    static ExperimentSpec spec(String yaml) throws SpecValidationException {
        return SpecParser.parse(yaml, "wiring.yaml", Path.of("."));
    }
}
