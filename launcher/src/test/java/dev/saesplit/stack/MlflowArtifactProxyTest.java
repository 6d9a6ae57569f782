package dev.saesplit.stack;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.ArtifactStoreConfig;
import dev.saesplit.artifact.DirectoryDigest;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.artifact.SharedStorage;
import dev.saesplit.digest.Sha256;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MLflow-artifact-proxy backend against a real MLflow server started with its artifact proxy. */
class MlflowArtifactProxyTest {

    private static TestServices services;
    private static SharedStorage proxy;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("proxy");
        proxy = ArtifactStoreConfig.fromEnvironment(Map.of("SAESPLIT_ARTIFACTS",
                services.mlflowUri().replace("http://", "mlflow-artifacts://") + "/saesplit-test")).storage()
                .orElseThrow();
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void aLargeFileMakesTheRoundTripThroughTheProxyByteForByteAndCanBeListedAndDeleted() throws Exception {
        Path dir = Files.createDirectories(services.home().resolve("round-trip"));
        Path original = dir.resolve("shard-0.bin");
        writeRandom(original, 48 << 20, 17);

        proxy.put("trip/shard-0.bin", original);
        Path back = dir.resolve("back.bin");
        assertTrue(proxy.get("trip/shard-0.bin", back));

        assertEquals(Sha256.ofFile(original), Sha256.ofFile(back));
        assertEquals(List.of(new SharedStorage.Entry("shard-0.bin", false, 48 << 20)), proxy.list("trip"));
        assertFalse(proxy.get("trip/absent.bin", dir.resolve("absent.bin")));
        assertFalse(Files.exists(dir.resolve("absent.bin")), "nothing written for an absent file");
        assertEquals(List.of(), proxy.list("nowhere"));
        proxy.delete("trip");
        assertEquals(List.of(), proxy.list("trip"));
    }

    @Test
    void machinesSharingOnlyTheProxyShareOutputsAndTwoRacingProducersLeaveOne() throws Exception {
        try (Database database = Database.open(DatabaseConfig.local(services.home()))) {
            CyclicBarrier bothProducing = new CyclicBarrier(2);
            List<CompletableFuture<ArtifactRef>> racers = new ArrayList<>();
            for (int producer = 1; producer <= 2; producer++) {
                ArtifactStore machine = machine(database, "producer-" + producer);
                int who = producer;
                racers.add(CompletableFuture.supplyAsync(() -> machine.getOrProduce("sae", "raced",
                        new Provenance("test", "nobody", ""), out -> {
                            await(bothProducing); // neither finds the other's output: both produce
                            Files.writeString(out.resolve("cfg.json"), "{\"who\": " + who + "}");
                            writeRandom(out.resolve("sae_weights.safetensors"), 3 << 20, who);
                        })));
            }
            ArtifactRef first = racers.get(0).get(2, TimeUnit.MINUTES);
            ArtifactRef second = racers.get(1).get(2, TimeUnit.MINUTES);

            assertEquals(first, second, "both producers return the winner");
            assertTrue(first.uri().startsWith(services.mlflowUri().replace("http://", "mlflow-artifacts://")
                    + "/saesplit-test/sae/raced/upload-"), first.uri());
            assertEquals(2, proxy.list("sae/raced").size(), "one upload and its manifest: " + proxy.list("sae/raced"));
            Path served = services.home().resolve("mlflow/artifacts/saesplit-test/sae/raced");
            try (Stream<Path> files = Files.walk(served)) {
                assertEquals(3, files.filter(Files::isRegularFile).count(), "the server holds them: " + served);
            }
            ArtifactStore reader = machine(database, "reader");
            Path copy = reader.localCopy(first);
            assertEquals(first.contentHash(), DirectoryDigest.of(copy));
            assertTrue(copy.startsWith(services.home().resolve("reader")), copy.toString());
            assertEquals(reader.find("sae", "raced").orElseThrow(), first);
        }
    }

    private static void await(CyclicBarrier barrier) throws IOException {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("the other producer never started", e);
        }
    }

    private static ArtifactStore machine(Database database, String name) {
        return new ArtifactStore(services.home().resolve(name).resolve("artifacts"), database.dataSource(), proxy,
                1L << 30);
    }

    private static void writeRandom(Path file, int bytes, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < bytes; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, Math.min(block.length, bytes - written));
            }
        }
    }
}
