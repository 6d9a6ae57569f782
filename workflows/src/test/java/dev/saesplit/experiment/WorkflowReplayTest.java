package dev.saesplit.experiment;

import dev.saesplit.run.SplitRunWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every history recorded by a release (committed under {@code histories/<release>/} by {@link HistoryRecorder},
 * never re-recorded) replays against the current code: executions started by those releases can be finished by
 * this one's workers. A change that would break them (a reordered or added activity, another child) fails here
 * and needs {@code Workflow.getVersion} around it; see docs/workflow-versioning.md.
 */
class WorkflowReplayTest {

    private static final Map<String, Class<?>> IMPLEMENTATIONS = Map.of(
            "ExperimentWorkflow", ExperimentWorkflowImpl.class,
            "SplitRunWorkflow", SplitRunWorkflowImpl.class);

    @TestFactory
    Stream<DynamicTest> everyReleasesHistoriesReplay() throws Exception {
        List<Path> histories = histories();
        assertFalse(histories.isEmpty(), "no recorded histories");
        Set<String> types = histories.stream().map(WorkflowReplayTest::workflowType).collect(Collectors.toSet());
        assertEquals(IMPLEMENTATIONS.keySet(), types, "every workflow has a recorded history");
        return histories.stream().map(file -> DynamicTest.dynamicTest(
                file.getParent().getFileName() + "/" + file.getFileName(),
                () -> WorkflowReplayer.replayWorkflowExecution(history(file),
                        IMPLEMENTATIONS.get(workflowType(file)))));
    }

    /** The committed histories, release by release. */
    static List<Path> histories() throws Exception {
        Path root = Path.of(WorkflowReplayTest.class.getResource("/histories").toURI());
        try (Stream<Path> files = Files.walk(root, 2)) {
            return files.filter(f -> f.getNameCount() == root.getNameCount() + 2 && f.toString().endsWith(".json"))
                    .sorted().toList();
        }
    }

    private static WorkflowExecutionHistory history(Path file) {
        try {
            return WorkflowExecutionHistory.fromJson(Files.readString(file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String workflowType(Path file) {
        return history(file).getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType()
                .getName();
    }
}
