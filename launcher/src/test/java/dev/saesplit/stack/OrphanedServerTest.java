package dev.saesplit.stack;

import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With real processes: a command killed with SIGKILL leaves the server it started running, and the next command
 * of the same state directory, being its last user, stops it instead of leaving an orphan for good.
 */
class OrphanedServerTest {

    private final List<ProcessHandle> started = new ArrayList<>();
    private Path state;

    @AfterEach
    void cleanUp() throws Exception {
        started.forEach(ProcessHandle::destroyForcibly);
        PathUtils.deleteDirectory(state);
    }

    @Test
    void theServerOfACommandKilledOutrightIsStoppedByTheNextCommandsLastRelease() throws Exception {
        state = Files.createTempDirectory("saesplit-orphan-");
        Process command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DetachedServerUser.class.getName(), state.toString())
                .redirectErrorStream(true).start();
        started.add(command.toHandle());
        ProcessHandle server = ProcessHandle.of(serverPid(command)).orElseThrow();
        started.add(server);

        command.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        assertTrue(server.isAlive(), "a detached server outlives the command that started it");

        try (LocalStackLease next = LocalStackLease.acquire(state)) {
            assertEquals(List.of(ProcessHandle.current().pid()), LocalStackLease.liveUsers(state),
                    "the killed command's claim is recognised as dead");
            // as Stack does on attach
            next.onLastRelease("temporal", () -> StackServer.Name.TEMPORAL.stopDetached(state));
        }

        assertTrue(server.onExit().get(30, TimeUnit.SECONDS) != null);
        assertFalse(server.isAlive(), "the orphaned server was stopped by the last user");
        assertFalse(Files.exists(state.resolve("temporal.pid")));
    }

    private static long serverPid(Process command) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(command.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("ready ")) {
                return Long.parseLong(line.substring("ready ".length()));
            }
            seen.add(line);
        }
        throw new IllegalStateException("the command ended before starting its server: " + seen);
    }
}
