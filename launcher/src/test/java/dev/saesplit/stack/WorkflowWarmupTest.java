package dev.saesplit.stack;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The warm-up runs the experiment workflow's real first task, with no server behind its client. */
class WorkflowWarmupTest {

    @Test
    void theQuickstartsFirstTaskReplaysWithoutAServer() throws Exception {
        Path file = Path.of("..", "experiments", "quickstart.yaml");
        ExperimentSpec spec = SpecParser.parse(Files.readString(file), "quickstart.yaml", file.getParent());

        assertEquals(3, WorkflowWarmup.firstTask(spec).getEventsCount());
        // a wrong workflow type, an input the workflow cannot read or a nondeterministic first task would throw
        assertDoesNotThrow(() -> WorkflowWarmup.replayFirstTask(spec));
    }
}
