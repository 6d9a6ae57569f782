package dev.saesplit.experiment;

import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecFingerprint;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.table.RunStatus;
import dev.saesplit.train.GroupTrainRequest;
import dev.saesplit.train.TrainRequest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static dev.saesplit.experiment.RunningPipeline.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code training.shared_stream}: the rows that read the same data train as one activity per group. */
class RowsTrainedTogetherTest {

    static final String SPEC = ExperimentWorkflowTest.SPEC.replace("training: {batch_size: 100}",
            "training: {batch_size: 100, shared_stream: true}");

    @RegisterExtension
    final RunningPipeline pipeline = new RunningPipeline();
    private final FakePipeline fake = pipeline.fake;

    @Test
    void rowsOfEachDataSelectionTrainTogetherOnceAndEachRowThenOnlyEvaluatesItsSae() throws Exception {
        ExperimentResult result = experiment().run(spec(SPEC));

        assertTrue(fake.calls.contains("train together a,c stream seed 1"), fake.calls.toString());
        assertTrue(fake.calls.contains("train together b,d stream seed 2"), fake.calls.toString());
        for (String row : List.of("a", "b", "c", "d")) {
            List<String> ofRow = fake.calls.stream().filter(c -> c.endsWith(" " + row)).toList();
            assertEquals(List.of("init " + row, "evaluate " + row), ofRow, "no row trains alone");
            assertTrue(fake.calls.indexOf("evaluate " + row) > fake.calls.indexOf(
                    fake.calls.stream().filter(c -> c.startsWith("train together") && c.contains(row)).findFirst()
                            .orElseThrow()), "row " + row + " is evaluated after its group trained");
        }
        Map<String, GroupTrainRequest> groups = new java.util.HashMap<>();
        fake.groupRequests.forEach(g -> groups.put(g.rows().get(0).runId(), g));
        TrainRequest a = groups.get("a").rows().get(0);
        TrainRequest c = groups.get("a").rows().get(1);
        assertEquals(1, a.seed());
        assertEquals(3, c.seed(), "each row keeps its own seed for its trainer");
        assertTrue(a.filtered() != null && c.filtered() != null);
        assertNull(groups.get("b").rows().get(0).filtered());
        assertEquals(20_000, c.tokens(), "budgets stay per row");
        assertEquals(10_000, a.tokens());
        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertEquals(Map.of("a", RunStatus.SUCCEEDED, "b", RunStatus.SUCCEEDED, "c", RunStatus.SUCCEEDED,
                "d", RunStatus.SUCCEEDED), fake.runStatus);
        assertEquals("report a+ b+ c+ d+", fake.calls.get(fake.calls.size() - 1));
        assertTrue(pipeline.client().fetchHistory(WorkflowIds.experiment("wiring")).getEvents().stream()
                .filter(e -> e.hasMarkerRecordedEventAttributes())
                .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId"))
                .anyMatch(id -> id != null && id.getPayloadsList().stream().anyMatch(
                        p -> p.getData().toStringUtf8().contains(ExperimentWorkflowImpl.TRAIN_ROWS_TOGETHER))),
                "the change is gated by its marker");
    }

    @Test
    void badInputInAGroupFailsEveryRowOfItWithTheReasonWhileTheOtherGroupFinishes() throws Exception {
        fake.badInputRows = "c"::equals;

        ExperimentResult result = experiment().run(spec(SPEC));

        for (int row : List.of(0, 2)) {
            assertEquals(RunStatus.FAILED, result.runs().get(row).status());
            assertEquals("activations of row c contain NaN at token 17", result.runs().get(row).failure());
        }
        assertEquals(Map.of("a", "activations of row c contain NaN at token 17",
                "c", "activations of row c contain NaN at token 17"), fake.runFailures);
        assertEquals(RunStatus.SUCCEEDED, fake.runStatus.get("b"));
        assertEquals(RunStatus.SUCCEEDED, fake.runStatus.get("d"));
        assertEquals(1, fake.calls.stream().filter(call -> call.startsWith("train together a,c")).count(),
                "bad input is not retried");
        assertFalse(fake.calls.contains("evaluate a"));
        assertEquals(RunStatus.FAILED, result.status());
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void cancellingTheExperimentWhileItsGroupTrainsCancelsTheGroupsRows() throws Exception {
        String oneGroup = SPEC.replace("data: filtered", "data: all").replace("loss: zero-target", "loss: standard");
        pipeline.startHolding("a", oneGroup);

        WorkflowStub stub = pipeline.client().newUntypedWorkflowStub(WorkflowIds.experiment("wiring"));
        stub.cancel();

        assertThrows(WorkflowFailedException.class, () -> stub.getResult(ExperimentResult.class));
        assertEquals(Map.of("a", RunStatus.CANCELLED, "b", RunStatus.CANCELLED, "c", RunStatus.CANCELLED,
                "d", RunStatus.CANCELLED), fake.runStatus);
        assertTrue(fake.calls.stream().noneMatch(call -> call.startsWith("evaluate")), fake.calls.toString());
        assertEquals(RunStatus.CANCELLED, fake.experimentStatus.get(fake.experimentStatus.size() - 1));
    }

    @Test
    void theOptionIsOffByDefaultAndLeavesEarlierSpecsFingerprintsAsTheyWere() throws Exception {
        ExperimentSpec plain = spec(ExperimentWorkflowTest.SPEC);
        assertFalse(plain.training().sharedStream());
        assertFalse(SpecFingerprint.canonicalJson(plain).contains("shared_stream"));
        assertTrue(SpecFingerprint.canonicalJson(spec(SPEC)).contains("\"shared_stream\":true"));
    }

    private ExperimentWorkflow experiment() throws SpecValidationException {
        return pipeline.experiment(SPEC);
    }
}
