package dev.saesplit.experiment;

import dev.saesplit.pipeline.FailureClassifyingInterceptor;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.run.SplitRunWorkflowImpl;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactoryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An experiment whose model source names a language-model spec trains that model first, on the gpu queue. */
class TrainedModelWorkflowTest {

    private final FakePipeline fake = new FakePipeline();
    private TestWorkflowEnvironment env;

    @TempDir
    Path dir;

    @BeforeEach
    void startWorkers() {
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new FailureClassifyingInterceptor()).build())
                .build());
        var cpu = env.newWorker(TaskQueues.CPU);
        cpu.registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class, SplitRunWorkflowImpl.class);
        cpu.registerActivitiesImplementations(fake.new Activations(), fake.new Init(), fake.new Filter(),
                fake.new Evaluation(), fake.new RunTable(), fake.new Tracking());
        // Served only on the gpu queue: a workflow routing the model's training elsewhere would never finish.
        env.newWorker(TaskQueues.GPU).registerActivitiesImplementations(fake.new Training(),
                fake.new LanguageModelTraining());
        env.start();
    }

    @AfterEach
    void stopWorkers() {
        fake.release.countDown();
        env.close();
    }

    @Test
    void theModelIsTrainedBeforeCachingAndEveryStageReadsTheTrainedFolder() throws Exception {
        Files.writeString(dir.resolve("lm.yaml"), "name: tiny\ndataset: {source: python-stdlib}\n");
        ExperimentSpec spec = SpecParser.parse("""
                name: trained
                activations:
                  source: model
                  model: {train: lm.yaml}
                  dataset: {source: python-stdlib}
                  hook: blocks.0.hook_mlp_out
                  tokens: 10k
                narrow_sae: {width: 8, tokens: 10k, seed: 3}
                target_latent: {token: "-"}
                runs:
                  - {id: a, width: 32, seed: 1, init: narrow, normalised: false, data: filtered, loss: standard, tokens: 10k}
                """, "trained.yaml", dir);

        ExperimentResult result = env.getWorkflowClient().newWorkflowStub(ExperimentWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(WorkflowIds.experiment(spec.name()))
                        .setTaskQueue(TaskQueues.CPU).build()).run(spec);

        assertEquals(List.of("train language model tiny", "activations", "init ", "train ",
                "choose target for token - of " + FakePipeline.MODELS + "tiny", "filter"), fake.calls.subList(0, 6));
        assertEquals(FakePipeline.TARGET, result.targetLatent());
        for (ActivationSourceSpec source : List.of(fake.activationSources.get(0), fake.evaluationSources.get(0))) {
            ActivationSourceSpec.Model model = assertInstanceOf(ActivationSourceSpec.Model.class, source);
            // Handed on by reference, never as a path of the machine that trained it: each activity takes its own copy.
            assertEquals(FakePipeline.MODELS + "tiny", model.trained().uri());
            assertNull(model.weights());
            assertNull(model.tokenizer());
            assertNull(model.train());
        }
    }
}
