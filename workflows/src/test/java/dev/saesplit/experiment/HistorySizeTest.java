package dev.saesplit.experiment;

import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.train.GroupTrainRequest;
import dev.saesplit.train.TrainRequest;
import dev.saesplit.train.TrainingActivities;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History events per workflow at the published study's shape (12 rows), with trainings that heartbeat thousands
 * of times (a checkpoint per heartbeat, as a 2 B-token training does) and lose their worker once: the counts
 * docs/scale.md quotes, and proof that they do not grow with training length.
 */
class HistorySizeTest {

    private static final String STUDY = """
            name: study
            activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 100k}
            narrow_sae: {width: 8, tokens: 50k, seed: 3}
            target_latent: 5
            max_parallel_runs: 4
            runs:
            """ + rows();
    /** Temporal's default limit: an execution with more events is terminated. */
    private static final int EVENT_LIMIT = 51_200;

    private static String rows() {
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            rows.append("  - {id: ").append(i).append(", width: 64, seed: ").append(i)
                    .append(", init: narrow, normalised: true, data: filtered, loss: standard, tokens: 2B}\n");
        }
        return rows.toString();
    }

    /** Heartbeats {@code beats} times per attempt; each row's first attempt then loses its worker. */
    static final class LongTraining implements TrainingActivities {
        private final int beats;
        private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

        LongTraining(int beats) {
            this.beats = beats;
        }

        @Override
        public SaeRef train(TrainRequest request) {
            for (int step = 1; step <= beats; step++) {
                Activity.getExecutionContext().heartbeat(step);
            }
            if (!request.runId().isEmpty() && failedOnce.add(request.runId())) {
                throw new UncheckedIOException(new ConnectException("worker lost"));
            }
            return new SaeRef(FakePipeline.artifact("sae", "trained-" + request.runId()), request.initial().dIn(),
                    request.initial().width());
        }

        @Override
        public java.util.List<SaeRef> trainTogether(GroupTrainRequest request) {
            throw new UnsupportedOperationException("rows trained one by one here");
        }
    }

    @Test
    void eventsPerWorkflowAreFixedByThePipelineNotByTrainingLength() throws Exception {
        Map<String, Integer> short_ = eventCounts(1);
        Map<String, Integer> long_ = eventCounts(5_000);

        // Workflow-task events depend on how completions batch (timing); the rest is fixed by the pipeline.
        assertEquals(short_.get("experiment pipeline"), long_.get("experiment pipeline"),
                "5,000 heartbeats per attempt add no event");
        assertEquals(short_.get("row"), long_.get("row"));
        int experiment = long_.get("experiment");
        int row = long_.get("row");
        System.out.printf("history events: experiment %d (%d without workflow tasks), each row %d, 13 workflows %d%n",
                experiment, long_.get("experiment pipeline"), row, experiment + 12 * row);
        assertTrue(experiment < 200 && row < 60, long_.toString());
        assertTrue(Math.max(experiment, row) < EVENT_LIMIT / 100, "each workflow far below Temporal's per-execution "
                + "event limit: " + long_);
    }

    private static Map<String, Integer> eventCounts(int beats) throws Exception {
        FakePipeline fake = new FakePipeline();
        try (TestWorkflowEnvironment env = fake.startEnvironment(new LongTraining(beats))) {
            WorkflowClient client = env.getWorkflowClient();
            ExperimentSpec spec = SpecParser.parse(STUDY, "study.yaml", Path.of("."));
            client.newWorkflowStub(ExperimentWorkflow.class, WorkflowOptions.newBuilder()
                    .setWorkflowId(WorkflowIds.experiment("study")).setTaskQueue(TaskQueues.CPU).build()).run(spec);
            Map<String, Integer> counts = new LinkedHashMap<>();
            counts.put("experiment", size(client, WorkflowIds.experiment("study")));
            counts.put("experiment pipeline", (int) client.fetchHistory(WorkflowIds.experiment("study")).getEvents()
                    .stream().filter(e -> !e.getEventType().name().startsWith("EVENT_TYPE_WORKFLOW_TASK_")).count());
            int row = size(client, WorkflowIds.run("study", "1"));
            for (int i = 2; i <= 12; i++) {
                assertEquals(row, size(client, WorkflowIds.run("study", Integer.toString(i))), "row " + i);
            }
            counts.put("row", row);
            System.out.printf("history JSON: experiment %d bytes, row %d bytes%n",
                    client.fetchHistory(WorkflowIds.experiment("study")).toJson(false).length(),
                    client.fetchHistory(WorkflowIds.run("study", "1")).toJson(false).length());
            return counts;
        }
    }

    private static int size(WorkflowClient client, String workflowId) {
        return client.fetchHistory(workflowId).getHistory().getEventsCount();
    }
}
