package dev.saesplit.cli;

import dev.saesplit.stack.ProjectRoot;
import dev.saesplit.stack.PythonEnvironment;
import dev.saesplit.stack.TemporalServer;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.LocalPostgres;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saesplit run} on the quickstart, through a real Temporal server and PostgreSQL, twice. */
class RunCommandTest {

    private static Path home;
    private static LocalPostgres postgres;
    private static TemporalServer temporal;

    @BeforeAll
    static void startServices() throws IOException {
        home = Files.createTempDirectory("saesplit-run-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        postgres = LocalPostgres.startOrAttach(DatabaseConfig.local(home).localDataDir(), DatabaseConfig.binaryCache());
        int port;
        int uiPort;
        try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = a.getLocalPort();
            uiPort = b.getLocalPort();
        }
        temporal = TemporalServer.start(home, new PythonEnvironment(ProjectRoot.get()), port, uiPort, false);
    }

    @AfterAll
    static void stopServices() throws IOException {
        if (temporal != null) {
            temporal.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        PathUtils.deleteDirectory(home);
    }

    @Test
    void theQuickstartRunsToAFilledRunTableAndARerunReusesEveryOutput() throws IOException {
        Map<String, String> env = Map.of("SAESPLIT_HOME", home.toString(), "TEMPORAL_ADDRESS", temporal.address());
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
        try (var dirs = Files.walk(home.resolve("artifacts"), 2)) {
            return dirs.filter(p -> p.getNameCount() - home.resolve("artifacts").getNameCount() == 2
                    && !p.toString().contains("/work/")).count();
        }
    }
}
