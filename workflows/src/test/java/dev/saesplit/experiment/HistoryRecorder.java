package dev.saesplit.experiment;

import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SpecParser;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the histories {@link WorkflowReplayTest} replays, once per release, into
 * {@code src/test/resources/histories/<release>/}: run it only when cutting a release,
 * <pre>mvn -B -pl workflows -am test -Dtest=HistoryRecorder -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dsaesplit.recordHistories=0.2.0</pre>
 * and commit the new directory. Earlier releases' directories are never re-recorded: they stand for executions
 * still running when the next release's workers take over.
 */
@EnabledIfSystemProperty(named = HistoryRecorder.RELEASE, matches = "[0-9][0-9A-Za-z.-]*")
class HistoryRecorder {

    static final String RELEASE = "saesplit.recordHistories";

    private static final String SPEC = ExperimentWorkflowTest.SPEC;

    @Test
    void recordEveryScenario() throws Exception {
        Path release = Path.of("src", "test", "resources", "histories", System.getProperty(RELEASE));
        if (Files.exists(release)) {
            throw new IllegalStateException(release + " exists: a release's histories are recorded once");
        }
        Files.createDirectories(release);
        // Every row succeeds; then a narrow-only run; then an experiment whose row b fails on bad input; then one whose
        // row d imports its SAE; then one that trains its rows together.
        record(release, SPEC, fake -> { }, "experiment", "split-run", "a");
        record(release, SPEC.substring(0, SPEC.indexOf("\nruns:") + 1).replace("target_latent: 5\n", "")
                .replace("name: wiring", "name: narrow-only"), fake -> { }, "experiment-narrow-only", null, null);
        record(release, SPEC.replace("name: wiring", "name: failing-row"), fake -> fake.badInputRows = "b"::equals,
                "experiment-failed-row", "split-run-failed", "b");
        // Row d evaluates an SAE trained elsewhere: imported, not initialised and trained. The fake pipeline reads no
        // file, so the row names one no machine has rather than wherever the recording ran.
        var parsed = parse(SPEC.replace("name: wiring", "name: imported-row"));
        var rows = new java.util.ArrayList<>(parsed.runs());
        RunSpec d = rows.remove(3);
        rows.add(new RunSpec(d.id(), "an SAE trained elsewhere", 64, d.seed(), d.init(), d.normalised(), d.data(),
                d.loss(), d.tokens(), "", Path.of("/studies/hyphen-240/15.pt")));
        record(release, new ExperimentSpec(parsed.name(), parsed.description(), parsed.activations(),
                parsed.narrowSae(), parsed.targetLatent(), parsed.filterThreshold(), parsed.training(),
                parsed.maxParallelRuns(), parsed.split(), rows), fake -> { }, "experiment-imported-row",
                "split-run-imported", "d");
        // training.shared_stream: the rows of each data selection trained together, each row's workflow evaluating
        // the SAE it was handed.
        record(release, RowsTrainedTogetherTest.SPEC.replace("name: wiring", "name: shared-stream"), fake -> { },
                "experiment-shared-stream", "split-run-trained-together", "a");
    }

    private static void record(Path release, String yaml, java.util.function.Consumer<FakePipeline> setUp,
                               String experimentFile, String rowFile, String row) throws Exception {
        record(release, parse(yaml), setUp, experimentFile, rowFile, row);
    }

    private static ExperimentSpec parse(String yaml) throws Exception {
        return SpecParser.parse(yaml, "wiring.yaml", Path.of("."));
    }

    private static void record(Path release, ExperimentSpec spec, java.util.function.Consumer<FakePipeline> setUp,
                               String experimentFile, String rowFile, String row) throws Exception {
        FakePipeline fake = new FakePipeline();
        setUp.accept(fake);
        try (TestWorkflowEnvironment env = fake.startEnvironment(fake.new Training())) {
            WorkflowClient client = env.getWorkflowClient();
            String id = WorkflowIds.experiment(spec.name());
            client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder().setWorkflowId(id)
                    .setTaskQueue(TaskQueues.CPU).build()).run(spec);
            Files.writeString(release.resolve(experimentFile + ".json"), client.fetchHistory(id).toJson(true));
            if (rowFile != null) {
                Files.writeString(release.resolve(rowFile + ".json"),
                        client.fetchHistory(WorkflowIds.run(spec.name(), row)).toJson(true));
            }
        }
    }
}
