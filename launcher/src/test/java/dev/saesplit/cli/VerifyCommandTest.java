package dev.saesplit.cli;

import dev.saesplit.stack.TestServices;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.stack.LocalPostgres;
import dev.saesplit.stack.LocalStackLease;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifyCommandTest {

    @Test
    void verifyPassesIntactArtifactsAndFailsOnAFlippedByteNamingTheArtifact() throws Exception {
        Path home = TestServices.home("verify");
        // The test uses the local stack too, so the commands it runs never stop the server under it.
        try (LocalStackLease lease = LocalStackLease.acquire(home);
             LocalPostgres postgres = LocalPostgres.startOrAttach(DatabaseConfig.local(home).localDataDir(),
                DatabaseConfig.binaryCache())) {
            Map<String, String> env = Map.of("SAESPLIT_HOME", home.toString());
            ArtifactRef ref;
            try (Database database = Database.open(DatabaseConfig.local(home))) {
                ArtifactStore store = ArtifactStore.inStateDirectory(home, database.dataSource());
                ref = store.getOrProduce("sae", "abc", new Provenance("test", "", ""),
                        dir -> Files.write(dir.resolve("sae_weights.safetensors"), new byte[100_000]));
                store.getOrProduce("activations", "def", new Provenance("test", "", ""),
                        dir -> Files.writeString(dir.resolve("manifest.json"), "{}"));
            }

            CliRun intact = CliRun.of(env, "verify");
            assertEquals(0, intact.exitCode(), intact.out() + intact.err());
            assertTrue(intact.out().contains("2 artifact(s) checked, 0 failed"), intact.out());

            try (RandomAccessFile f = new RandomAccessFile(ArtifactStore.directory(ref)
                    .resolve("sae_weights.safetensors").toFile(), "rw")) {
                f.seek(77_777);
                f.write(1);
            }
            CliRun flipped = CliRun.of(env, "verify");

            assertEquals(1, flipped.exitCode(), flipped.out() + flipped.err());
            assertTrue(flipped.out().contains("MISMATCH sae/abc "), flipped.out());
            assertTrue(flipped.out().contains("2 artifact(s) checked, 1 failed"), flipped.out());
        }
    }
}
