package dev.saesplit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saesplit worker}'s options are checked before anything starts: a bad value is one line and exit 2. */
class WorkerCommandTest {

    @TempDir
    static Path scratch;

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--queues=tpu; unknown queue 'tpu'; expected cpu or gpu",
            "--queues=gpu,gpu; --queues names 'gpu' twice",
            "--queues=cpu,,gpu; --queues has an empty entry",
            "--max-concurrent=0; --max-concurrent must be between 1 and 256, got 0",
            "--max-concurrent=257; --max-concurrent must be between 1 and 256, got 257",
            "--max-concurrent=two; 'two'"})
    void aBadValueIsOneLineNamingIt(String option, String expected) throws IOException {
        // A state directory that cannot be opened: were the option accepted, the command would fail, not serve.
        Path home = Files.writeString(scratch.resolve("not-a-directory"), "");

        CliRun worker = CliRun.of(Map.of("SAESPLIT_HOME", home.toString()), "worker", option);

        assertEquals(SaesplitCommand.USAGE_ERROR, worker.exitCode(), worker.err());
        assertTrue(worker.err().contains(expected), worker.err());
        assertEquals(1, worker.err().lines().filter(l -> !l.isBlank()).count(), worker.err());
        assertEquals("", worker.out());
    }

    @Test
    void queuesAreTheFullNamesOfTheShortOnes() {
        assertEquals(List.of("saesplit-gpu"), WorkerCommand.taskQueues(List.of("gpu")));
        assertEquals(List.of("saesplit-cpu", "saesplit-gpu"), WorkerCommand.taskQueues(List.of(" cpu", "gpu ")));
        assertThrows(IllegalArgumentException.class, () -> WorkerCommand.taskQueues(List.of()));
    }
}
