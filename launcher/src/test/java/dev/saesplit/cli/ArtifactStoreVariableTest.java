package dev.saesplit.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** A {@code SAESPLIT_ARTIFACTS} saesplit cannot use stops a worker before it starts anything, in one line. */
class ArtifactStoreVariableTest {

    @Test
    void aWorkerGivenAnUnusableStoreExitsWithOneLineNamingTheVariableAndStartsNothing() throws Exception {
        Path home = Files.createTempDirectory("saesplit-bad-store-");

        CliRun run = CliRun.of(Map.of("SAESPLIT_HOME", home.toString(), "SAESPLIT_ARTIFACTS", "s3://lab/saesplit"),
                "worker", "--queues", "gpu");

        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertEquals("saesplit worker: SAESPLIT_ARTIFACTS=s3://lab/saesplit: use file:///path for a shared directory or "
                + "mlflow-artifacts://host:port/prefix for MLflow's artifact proxy", run.err().strip());
        try (var children = Files.list(home)) {
            assertFalse(children.findAny().isPresent(), "no server was started in " + home);
        }
        Files.delete(home);
    }
}
