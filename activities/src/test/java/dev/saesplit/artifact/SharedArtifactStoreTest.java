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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Artifact stores on several simulated machines (each a local directory of its own) sharing one PostgreSQL and one
 * shared directory: publication, races, and each machine's bounded, verified local copies.
 */
class SharedArtifactStoreTest {

    private static final Provenance WHO = new Provenance("test", "nobody", "");
    private static final int WEIGHT_BYTES = 100_000;

    private final List<Path> directories = new ArrayList<>();
    private final AtomicInteger productions = new AtomicInteger();
    private Database database;
    private Path sharedRoot;
    private ObservedStorage shared;

    @BeforeEach
    void open() {
        database = Database.open(TestPostgres.freshDatabase());
        sharedRoot = directory();
        shared = new ObservedStorage(sharedRoot);
    }

    @AfterEach
    void close() {
        database.close();
        directories.forEach(TestPostgres::deleteQuietly);
    }

    @Test
    void anOutputPublishedOnOneMachineIsFoundAndReadOnAnotherWithoutProducingItAgain() throws Exception {
        ArtifactStore a = machine(1L << 30);
        ArtifactStore b = machine(1L << 30);
        ArtifactRef ref = produce(a, "k1", (byte) 3);

        assertEquals(Optional.of(ref), b.find("sae", "k1"));
        assertEquals(ref, produce(b, "k1", (byte) 3));
        Path copy = b.localCopy(ref);

        assertEquals(1, productions.get(), "the second machine reused the first one's output");
        assertTrue(ref.uri().startsWith(sharedRoot.toUri().toString()), ref.uri());
        assertTrue(copy.startsWith(b.root()), "read from the machine's own directory: " + copy);
        assertEquals(ref.contentHash(), DirectoryDigest.of(copy));
        assertArrayEquals(weights((byte) 3), Files.readAllBytes(copy.resolve("sae_weights.safetensors")));
    }

    @Test
    void twoProducersRacingOnOneKeyLeaveOneConsistentArtifactAndTheLosersUploadIsWithdrawn() throws Exception {
        CyclicBarrier bothProducing = new CyclicBarrier(2);
        List<CompletableFuture<ArtifactRef>> racers = new ArrayList<>();
        for (byte producer : new byte[]{1, 2}) {
            ArtifactStore store = machine(1L << 30);
            racers.add(CompletableFuture.supplyAsync(() -> store.getOrProduce("sae", "k1", WHO, dir -> {
                await(bothProducing); // neither finds the other's output: both produce
                write(dir, producer);
            })));
        }
        ArtifactRef first = racers.get(0).get(60, TimeUnit.SECONDS);
        ArtifactRef second = racers.get(1).get(60, TimeUnit.SECONDS);

        assertEquals(first, second, "both producers return the artifact that won");
        List<String> uploads = namesUnder(sharedRoot.resolve("sae/k1"));
        assertEquals(2, uploads.size(), "one upload and its manifest, the loser's withdrawn: " + uploads);
        Path copy = machine(1L << 30).localCopy(first);
        byte winner = Byte.parseByte(Files.readString(copy.resolve("cfg.json")).replaceAll("\\D", ""));
        assertArrayEquals(weights(winner), Files.readAllBytes(copy.resolve("sae_weights.safetensors")),
                "every file comes from the same producer");
        assertTrue(winner == 1 || winner == 2);
    }

    @Test
    void aReaderNeverSeesAnOutputWhoseFilesAreUploadedButNotYetPublished() throws Exception {
        ArtifactStore a = machine(1L << 30);
        ArtifactStore b = machine(1L << 30);
        shared.holdPublications();
        CompletableFuture<ArtifactRef> producing = CompletableFuture.supplyAsync(() -> produce(a, "k1", (byte) 5));
        assertTrue(shared.publishing.await(60, TimeUnit.SECONDS), "the producer reached its publication");

        assertTrue(namesUnder(sharedRoot.resolve("sae/k1")).stream().anyMatch(n -> n.startsWith("upload-")),
                "the files are in the shared store already");
        assertEquals(Optional.empty(), b.find("sae", "k1"), "but not recorded");
        assertEquals(List.of(), new SharedUploads(shared).published("sae/k1"), "nor published");
        shared.publish.countDown();
        ArtifactRef ref = producing.get(60, TimeUnit.SECONDS);

        assertEquals(Optional.of(ref), b.find("sae", "k1"));
    }

    @Test
    void theLocalCopiesStayWithinTheirBoundByEvictingTheLeastRecentlyUsed() throws Exception {
        ArtifactStore producer = machine(1L << 30);
        List<ArtifactRef> refs = new ArrayList<>();
        for (byte i = 0; i < 4; i++) {
            refs.add(produce(producer, "k" + i, i));
        }
        long bound = (long) (2.5 * WEIGHT_BYTES);
        ArtifactStore reader = machine(bound);

        for (ArtifactRef ref : refs) {
            reader.localCopy(ref);
            assertTrue(copiesSize(reader) <= bound, "copies hold " + copiesSize(reader) + " bytes");
        }
        int served = shared.filesServed.get();
        reader.localCopy(refs.get(3));
        assertEquals(served, shared.filesServed.get(), "the most recent copy is still there");
        reader.localCopy(refs.get(0));
        assertEquals(served + 2, shared.filesServed.get(), "the oldest was evicted and is downloaded again");
        assertArrayEquals(weights((byte) 0), Files.readAllBytes(reader.localCopy(refs.get(0))
                .resolve("sae_weights.safetensors")));
    }

    @Test
    void aLocalCopyThatNoLongerMatchesWhatWasDownloadedIsDownloadedAgain() throws Exception {
        ArtifactRef ref = produce(machine(1L << 30), "k1", (byte) 7);
        ArtifactStore reader = machine(1L << 30);
        Path copy = reader.localCopy(ref);
        int served = shared.filesServed.get();
        Files.writeString(copy.resolve("cfg.json"), "{\"who\": 8}");

        Path again = reader.localCopy(ref);

        assertEquals(served + 2, shared.filesServed.get(), "both files downloaded again");
        assertEquals("{\"who\": 7}", Files.readString(again.resolve("cfg.json")));
        assertEquals(ref.contentHash(), DirectoryDigest.of(again));
    }

    @Test
    void aPublishedCopyWhoseBytesChangedIsRefusedRatherThanUsedAndVerifyReportsIt() throws Exception {
        ArtifactRef ref = produce(machine(1L << 30), "k1", (byte) 9);
        Path published;
        try (Stream<Path> walk = Files.walk(sharedRoot)) {
            published = walk.filter(p -> p.getFileName().toString().equals("sae_weights.safetensors"))
                    .findFirst().orElseThrow();
        }
        try (RandomAccessFile file = new RandomAccessFile(published.toFile(), "rw")) {
            file.seek(12_345);
            file.write(0x5a ^ file.readByte());
        }
        ArtifactStore reader = machine(1L << 30);

        ArtifactCorruptException refused = assertThrows(ArtifactCorruptException.class, () -> reader.localCopy(ref));

        assertTrue(refused.getMessage().contains("differs from the published " + ref.contentHash()),
                refused.getMessage());
        assertFalse(Files.exists(reader.root().resolve("copies").resolve(ref.contentHash())), "nothing kept");
        List<ArtifactCheck> checks = reader.verify(Optional.empty());
        assertEquals(ArtifactCheck.Status.MISMATCH, checks.get(0).status(), checks.toString());
    }

    @Test
    void anOutputWithdrawnFromTheSharedStoreIsForgottenAndProducedAgain() throws Exception {
        ArtifactStore a = machine(1L << 30);
        ArtifactRef ref = produce(a, "k1", (byte) 4);
        String name = ref.uri().substring(ref.uri().lastIndexOf('/') + 1);
        new SharedUploads(shared).withdraw("sae/k1", name);

        assertEquals(Optional.empty(), machine(1L << 30).find("sae", "k1"));
        ArtifactRef again = produce(a, "k1", (byte) 4);

        assertEquals(2, productions.get());
        assertEquals(ref.contentHash(), again.contentHash());
        assertFalse(ref.uri().equals(again.uri()), "published anew under a new name");
    }

    @Test
    void anOutputALocalStoreRecordedBeforeTheInstallationSharedOneIsReadWhereItLiesUntilItsDirectoryIsGone() {
        Path machineRoot = directory();
        ArtifactRef before = produce(new ArtifactStore(machineRoot, database.dataSource()), "k1", (byte) 5);
        ArtifactStore sharing = new ArtifactStore(machineRoot, database.dataSource(), shared, 1L << 30);

        assertEquals(Optional.of(before), sharing.find("sae", "k1"));
        assertEquals(ArtifactStore.directory(before), sharing.localCopy(before));
        assertEquals(List.of(ArtifactCheck.Status.OK),
                sharing.verify(Optional.empty()).stream().map(ArtifactCheck::status).toList());

        TestPostgres.deleteQuietly(ArtifactStore.directory(before));
        ArtifactRef after = produce(sharing, "k1", (byte) 5);

        assertEquals(2, productions.get(), "produced again once its directory was gone");
        assertTrue(after.uri().startsWith(sharedRoot.toUri().toString()), "into the shared store: " + after.uri());
        assertEquals(Optional.of(after), sharing.find("sae", "k1"));
    }

    private ArtifactStore machine(long localCopyBytes) {
        return new ArtifactStore(directory(), database.dataSource(), shared, localCopyBytes);
    }

    private ArtifactRef produce(ArtifactStore store, String key, byte who) {
        return store.getOrProduce("sae", key, WHO, dir -> {
            productions.incrementAndGet();
            write(dir, who);
        });
    }

    private static void write(Path dir, byte who) throws java.io.IOException {
        Files.writeString(dir.resolve("cfg.json"), "{\"who\": " + who + "}");
        Files.write(dir.resolve("sae_weights.safetensors"), weights(who));
    }

    private static byte[] weights(byte who) {
        byte[] bytes = new byte[WEIGHT_BYTES];
        Arrays.fill(bytes, who);
        return bytes;
    }

    private static long copiesSize(ArtifactStore store) throws Exception {
        try (Stream<Path> walk = Files.walk(store.root().resolve("copies"))) {
            return walk.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static List<String> namesUnder(Path dir) throws Exception {
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the other producer never started", e);
        }
    }

    private Path directory() {
        Path dir = TestPostgres.stateDir();
        directories.add(dir);
        return dir;
    }
}
