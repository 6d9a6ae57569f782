package dev.saesplit.cli;

import dev.saesplit.stack.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saesplit run} on the quickstart, through a real Temporal server and PostgreSQL, twice. */
class RunCommandTest {

    private static TestServices services;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("run");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void theQuickstartRunsToAFilledRunTableAndARerunReusesEveryOutput() throws IOException {
        Map<String, String> env = services.environment();
        String quickstart = Path.of("..", "experiments", "quickstart.yaml").toString();

        CliRun first = CliRun.of(env, "run", quickstart);

        assertEquals(0, first.exitCode(), first.out() + first.err());
        String table = first.out().substring(first.out().indexOf("| run |"));
        assertEquals(5, table.lines().filter(l -> l.contains("| succeeded |")).count(), table);
        assertTrue(table.lines().skip(2).allMatch(l -> l.matches(".*\\| (yes|no|partial) +\\| succeeded \\|")), table);
        long artifacts = countArtifacts();

        CliRun again = CliRun.of(env, "run", quickstart);

        assertEquals(0, again.exitCode(), again.err());
        assertEquals(table, again.out().substring(again.out().indexOf("| run |")));
        assertEquals(artifacts, countArtifacts(), "a re-run computes nothing new");
    }

    private static long countArtifacts() throws IOException {
        Path artifacts = services.home().resolve("artifacts");
        try (var dirs = Files.walk(artifacts, 2)) {
            return dirs.filter(p -> p.getNameCount() - artifacts.getNameCount() == 2
                    && !p.toString().contains("/work/")).count();
        }
    }
}
