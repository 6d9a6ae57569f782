package dev.saesplit.stack;

import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local PostgreSQL is shared by every saesplit process of a state directory, with real second processes:
 * it stops when the last of them leaves, not when the one that started it does, and a process killed outright
 * is noticed and does not keep it running.
 */
class LocalStackLeaseTest {

    private final Path state = TestPostgres.stateDir();
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        children.forEach(Process::destroyForcibly);
        LocalPostgres.stopIfRunning(postgresDir(), DatabaseConfig.binaryCache());
        TestPostgres.deleteQuietly(state);
    }

    @Test
    void theServerStaysUpForAnotherProcessWhenTheProcessThatStartedItEnds() throws Exception {
        Database first = Database.open(DatabaseConfig.local(state)); // starts PostgreSQL
        Process second = stackUser();

        first.close();

        assertTrue(running(), "PostgreSQL was stopped under the second process");
        AtomicBoolean stopped = new AtomicBoolean();
        assertEquals(List.of(second.pid()), LocalStackLease.unpinAndStopIfUnused(state, () -> stopped.set(true)));
        assertFalse(stopped.get(), "'stack down' stopped the stack under a live process");
        endGracefully(second);
        assertFalse(running(), "the last process to leave stops PostgreSQL");
    }

    @Test
    void aProcessKilledOutrightIsNoticedAndTheLastLiveOneStopsTheServer() throws Exception {
        Process first = stackUser(); // starts PostgreSQL
        Database second = Database.open(DatabaseConfig.local(state));

        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no chance to leave
        assertTrue(running());
        assertEquals(List.of(ProcessHandle.current().pid()), LocalStackLease.liveUsers(state));
        second.close();

        assertFalse(running(), "PostgreSQL outlived every saesplit process");
    }

    @Test
    void twoCommandsStartingTogetherShareOneServer() throws Exception {
        java.util.concurrent.ExecutorService both = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(2);
        try {
            List<java.util.concurrent.Future<Database>> opened = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                opened.add(both.submit(() -> {
                    ready.countDown();
                    ready.await();
                    return Database.open(DatabaseConfig.local(state));
                }));
            }
            Database first = opened.get(0).get(120, TimeUnit.SECONDS);
            Database second = opened.get(1).get(120, TimeUnit.SECONDS);

            assertTrue(running());
            first.close();
            second.close();
        } finally {
            both.shutdownNow();
        }
    }

    @Test
    void aPinnedStackRunsOnWithoutUsersUntilItIsUnpinned() {
        LocalStackLease.pin(state);
        Database.open(DatabaseConfig.local(state)).close();
        assertTrue(running(), "'stack up' keeps it running");

        assertEquals(List.of(), LocalStackLease.unpinAndStopIfUnused(state,
                () -> LocalPostgres.stopIfRunning(postgresDir(), DatabaseConfig.binaryCache())));

        assertFalse(running());
        assertFalse(LocalStackLease.pinned(state));
    }

    private boolean running() {
        return LocalPostgres.runningPort(postgresDir()).isPresent();
    }

    private Path postgresDir() {
        return DatabaseConfig.local(state).localDataDir();
    }

    /** A second JVM holding the local database until told to close it. */
    private Process stackUser() throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                StackUser.class.getName(), state.toString()).redirectErrorStream(true).start();
        children.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("ready")) {
                return process;
            }
            seen.add(line);
        }
        throw new IllegalStateException("the second process ended before opening the database: " + seen);
    }

    private static void endGracefully(Process process) throws Exception {
        try (Writer in = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            in.write("close\n");
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the second process did not end");
        assertEquals(0, process.exitValue());
    }
}
