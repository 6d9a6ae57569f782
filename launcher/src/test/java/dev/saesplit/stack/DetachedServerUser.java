package dev.saesplit.stack;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A saesplit process, for tests, that starts the state directory's "temporal" server as {@link Stack} does
 * (detached, stopped by the stack's last user), stands in for it with {@code sleep}, prints the server's pid,
 * and leaves the stack when a line arrives on its input (or dies when killed).
 */
public final class DetachedServerUser {

    private DetachedServerUser() {
    }

    public static void main(String[] args) throws Exception {
        Path state = Path.of(args[0]);
        try (LocalStackLease lease = LocalStackLease.acquire(state)) {
            lease.onLastRelease("temporal", () -> StackServer.Name.TEMPORAL.stopDetached(state));
            ServerProcess.launch("temporal", List.of("sleep", "600"), state, true, () -> true, Duration.ofSeconds(10));
            System.out.println("ready " + java.nio.file.Files.readString(state.resolve("temporal.pid")).trim());
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
    }
}
