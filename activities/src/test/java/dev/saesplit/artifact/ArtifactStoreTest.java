package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.store.Database;
import dev.saesplit.store.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArtifactStoreTest {

    private static final Provenance WHO = new Provenance("test", "nobody", "");
    private static final byte[] WEIGHTS = new byte[200_000];

    private Database database;
    private ArtifactStore store;
    private final AtomicInteger productions = new AtomicInteger();

    static {
        for (int i = 0; i < WEIGHTS.length; i++) {
            WEIGHTS[i] = (byte) (i * 31);
        }
    }

    @BeforeEach
    void open() {
        database = Database.open(TestPostgres.freshDatabase());
        store = new ArtifactStore(TestPostgres.stateDir().resolve("artifacts"), database.dataSource());
    }

    @AfterEach
    void close() {
        database.close();
    }

    private ArtifactRef produce() {
        return store.getOrProduce("sae", "k1", WHO, dir -> {
            productions.incrementAndGet();
            Files.writeString(dir.resolve("cfg.json"), "{\"d_sae\": 8}");
            Files.write(dir.resolve("sae_weights.safetensors"), WEIGHTS);
        });
    }

    @Test
    void anUntouchedArtifactIsReusedWithoutProducingAgain() {
        ArtifactRef first = produce();

        assertEquals(Optional.of(first), store.find("sae", "k1"));
        assertEquals(first, produce());
        assertEquals(1, productions.get());
    }

    @Test
    void aChangedSmallFileIsDetectedAndTheArtifactProducedAgain() throws Exception {
        Path dir = ArtifactStore.directory(produce());
        Files.writeString(dir.resolve("cfg.json"), "{\"d_sae\": 9}");

        assertEquals(Optional.empty(), store.find("sae", "k1"), "the tampered artifact is not reused");
        ArtifactRef rebuilt = produce();

        assertEquals(2, productions.get());
        assertEquals("{\"d_sae\": 8}", Files.readString(ArtifactStore.directory(rebuilt).resolve("cfg.json")));
        assertEquals(Optional.of(rebuilt), store.find("sae", "k1"));
    }

    @Test
    void aTruncatedOrMissingLargeFileIsDetectedAndTheArtifactProducedAgain() throws Exception {
        Path dir = ArtifactStore.directory(produce());
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve("sae_weights.safetensors").toFile(), "rw")) {
            file.setLength(WEIGHTS.length - 1);
        }
        produce();
        Files.delete(ArtifactStore.directory(store.find("sae", "k1").orElseThrow()).resolve("sae_weights.safetensors"));
        ArtifactRef rebuilt = produce();

        assertEquals(3, productions.get());
        assertArrayEquals(WEIGHTS, Files.readAllBytes(ArtifactStore.directory(rebuilt)
                .resolve("sae_weights.safetensors")));
    }

    @Test
    void verifyCatchesAFlippedByteInALargeFileThatTheCheapCheckCannotSee() throws Exception {
        ArtifactRef ref = produce();
        Path weights = ArtifactStore.directory(ref).resolve("sae_weights.safetensors");
        flipByte(weights, 123_456);

        assertEquals(Optional.of(ref), store.find("sae", "k1"), "size and small files still match");
        List<ArtifactCheck> checks = store.verify(Optional.empty());

        assertEquals(1, checks.size());
        assertEquals(ArtifactCheck.Status.MISMATCH, checks.get(0).status());
        assertTrue(checks.get(0).detail().contains("recorded " + ref.contentHash()), checks.get(0).detail());
        flipByte(weights, 123_456);
        assertEquals(ArtifactCheck.Status.OK, store.verify(Optional.empty()).get(0).status());
    }

    @Test
    void anArtifactRecordedWithoutAFingerprintIsCheckedByItsFullHashOnce() throws Exception {
        ArtifactRef ref = produce();
        forgetFingerprints();

        assertEquals(Optional.of(ref), store.find("sae", "k1"), "an intact artifact passes the full hash");
        forgetFingerprints();
        flipByte(ArtifactStore.directory(ref).resolve("sae_weights.safetensors"), 7);

        assertEquals(Optional.empty(), store.find("sae", "k1"), "a flipped byte fails it");
    }

    private void forgetFingerprints() throws Exception {
        try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE artifacts SET quick_digest = NULL");
        }
    }

    private static void flipByte(Path file, long position) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0xff);
        }
    }
}
