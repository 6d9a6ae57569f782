package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Content-addressed activity outputs, recorded in PostgreSQL's {@code artifacts} table with their content hash and a
 * cheap fingerprint ({@link DirectoryDigest}), and kept by an {@link ArtifactPlacement}. By default they live in a
 * local directory ({@code <root>/<kind>/<key>/}, {@link LocalArtifacts}): written to a {@link StagedDirectory},
 * fsynced and renamed into place only when complete, and before reuse checked against their fingerprint; one that
 * no longer matches is removed and produced again.
 *
 * <p>With a {@link SharedStorage} (a shared directory or MLflow's artifact proxy; see
 * {@link ArtifactStoreConfig}), outputs are published there instead, so workers on other machines can use them
 * ({@link SharedArtifacts}): callers get a local directory from {@link #localCopy}, a verified copy kept under
 * {@code <root>/copies}, and checkpoints are published too ({@link #publishedCheckpoints}). Outputs a local store
 * recorded before are still found, checked and read where they lie.
 */
public final class ArtifactStore {

    /** Writes an output's files into an empty directory. */
    @FunctionalInterface
    public interface Producer {
        void writeInto(Path directory) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(ArtifactStore.class.getName());
    /** Deep enough to reach checkpoint staging: {@code work/<kind>/<key>/checkpoints/.tmp-…}. */
    private static final int STAGING_DEPTH = 5;
    private static final String COPIES = "copies";

    private final Path root;
    private final ArtifactIndex index;
    /** Outputs recorded in this store's own directory. */
    private final LocalArtifacts local;
    /** Where new outputs go: {@link #local}, or the shared storage. */
    private final ArtifactPlacement placement;

    /** A store in the local directory {@code root}. */
    public ArtifactStore(Path root, DataSource database) {
        this.root = root.toAbsolutePath().normalize();
        this.index = new ArtifactIndex(database);
        this.local = new LocalArtifacts(this.root, index);
        this.placement = local;
    }

    /**
     * A store publishing to {@code storage}, keeping up to {@code localCopyBytes} of copies for this machine under
     * {@code root}, which also holds work directories (checkpoints are written there first).
     */
    public ArtifactStore(Path root, DataSource database, SharedStorage storage, long localCopyBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.index = new ArtifactIndex(database);
        this.local = new LocalArtifacts(this.root, index);
        this.placement = new SharedArtifacts(storage, new LocalCopies(this.root.resolve(COPIES), localCopyBytes),
                index);
    }

    /** The store every saesplit process of one installation shares: {@code artifacts/} in its state directory. */
    public static ArtifactStore inStateDirectory(Path stateDir, DataSource database) {
        return new ArtifactStore(stateDir.resolve("artifacts"), database);
    }

    /**
     * The store {@code config} names: its shared storage, with this machine's local directory ({@code artifacts/}
     * in the state directory) for copies and work; or that local directory alone.
     */
    public static ArtifactStore configured(ArtifactStoreConfig config, Path stateDir, DataSource database) {
        Path local = stateDir.resolve("artifacts");
        return config.storage().map(s -> new ArtifactStore(local, database, s, config.localCopyBytes()))
                .orElseGet(() -> new ArtifactStore(local, database));
    }

    /** One line for people: where outputs go and, for a shared store, where this machine keeps its copies. */
    public String describe() {
        return placement.describe();
    }

    /**
     * The recorded output of {@code kind} with {@code key}, producing and recording it first if there is none.
     *
     * @param provenance who produced it, for people reading the database ({@code experiment}, {@code run})
     */
    public ArtifactRef getOrProduce(String kind, String key, Provenance provenance, Producer producer) {
        Optional<ArtifactRef> existing = find(kind, key);
        if (existing.isPresent()) {
            return existing.get();
        }
        return placement.produce(kind, key, provenance, producer);
    }

    /**
     * The recorded output of {@code kind} with {@code key}, if it is recorded and its directory is inside this store,
     * without the fingerprint check of {@link #find}: for a caller that verifies the content itself and can repair
     * part of it (an activation cache checks every shard against its checksum and rebuilds from the first bad one,
     * where {@code find} would discard the whole cache).
     */
    public Optional<ArtifactRef> findForRepair(String kind, String key) {
        return index.lookUp(kind, key).map(ArtifactIndex.Recorded::ref)
                .flatMap(ref -> placementOf(ref).findForRepair(ref));
    }

    /**
     * The recorded output of {@code kind} with {@code key}, if it is recorded, still on disk and still matches its
     * fingerprint. One that does not match is removed (and its record forgotten), so the caller produces it again.
     */
    public Optional<ArtifactRef> find(String kind, String key) {
        return index.lookUp(kind, key).flatMap(recorded -> placementOf(recorded.ref()).find(recorded));
    }

    /**
     * Recomputes the full content hash of every recorded artifact (of {@code experiment}, when given) and compares
     * it with the recorded one. Reads every byte: what {@code saesplit verify} runs.
     */
    public List<ArtifactCheck> verify(Optional<String> experiment) {
        List<ArtifactCheck> checks = new ArrayList<>();
        for (ArtifactIndex.Recorded recorded : index.recorded(experiment)) {
            checks.add(placementOf(recorded.ref()).check(recorded.ref()));
        }
        return checks;
    }

    /**
     * Deletes staging directories left by writes whose process died (see {@link StagedDirectory#removeStale});
     * writes in progress, here or in another process, are left alone. Run when a worker starts.
     */
    public List<Path> removeStaleStaging() {
        List<Path> removed = StagedDirectory.removeStale(root, STAGING_DEPTH);
        for (Path dir : removed) {
            LOG.log(System.Logger.Level.INFO, "removed the unfinished write {0}", dir);
        }
        return removed;
    }

    /**
     * A local directory holding {@code ref}'s files, for reading: its own directory in a local store, or this
     * machine's copy of a shared artifact, downloaded first if need be and checked against the recorded content
     * hash. Do not write into it.
     */
    public Path localCopy(ArtifactRef ref) {
        return placementOf(ref).localCopy(ref);
    }

    /**
     * The checkpoints of the work towards {@code kind}/{@code key} published to the shared store, keeping the newest
     * {@code keep}; empty for a local store, where the work directory is all there is.
     */
    public Optional<PublishedCheckpoints> publishedCheckpoints(String kind, String key, int keep) {
        return placement.publishedCheckpoints(kind, key, keep);
    }

    /**
     * The directory of {@code ref} in a local store, which must exist and, symlinks resolved, still be {@code <kind>/<key>} of a
     * store: an artifact directory replaced by a link to elsewhere is refused rather than read.
     */
    public static Path directory(ArtifactRef ref) {
        return LocalArtifacts.directory(ref);
    }

    /**
     * A durable scratch directory for the work that will produce {@code kind}/{@code key} (checkpoints live
     * here), the same for every attempt on this machine.
     */
    public Path workDirectory(String kind, String key) {
        Path dir = root.resolve("work").resolve(kind).resolve(key);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create work directory " + dir, e);
        }
    }

    /** Removes a finished output's scratch directory, and its published checkpoints. */
    public void clearWorkDirectory(String kind, String key) {
        Path work = root.resolve("work").resolve(kind).resolve(key);
        try {
            StagedDirectory.deleteTree(work);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + work, e);
        }
        placement.clearPublishedWork(kind, key);
    }

    public Path root() {
        return root;
    }

    /**
     * {@code path} with every symlink resolved, if that lies inside {@code root} (also resolved); otherwise an
     * {@link ArtifactOutsideRootException}. A path that does not exist is refused as missing.
     */
    public static Path confine(Path root, Path path) {
        Path realRoot;
        Path real;
        try {
            // A root not made yet holds nothing; comparing with its plain form refuses everything, as it should.
            realRoot = Files.exists(root) ? root.toRealPath() : root.toAbsolutePath().normalize();
        } catch (IOException e) {
            throw new ArtifactCorruptException(root, "artifact root", "it cannot be resolved: " + e.getMessage());
        }
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new ArtifactCorruptException(path, "artifact", "it cannot be resolved: " + e.getMessage());
        }
        if (!real.startsWith(realRoot)) {
            throw new ArtifactOutsideRootException(path, real, realRoot);
        }
        return real;
    }

    /** The placement that recorded {@code ref}: the shared storage, or this store's own directory. */
    private ArtifactPlacement placementOf(ArtifactRef ref) {
        return placement.holds(ref) ? placement : local;
    }
}
