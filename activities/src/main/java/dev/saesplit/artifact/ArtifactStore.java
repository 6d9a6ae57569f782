package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Content-addressed activity outputs, recorded in PostgreSQL's {@code artifacts} table with their content hash and a
 * cheap fingerprint ({@link DirectoryDigest}). By default they live in a local directory
 * ({@code <root>/<kind>/<key>/}): an output is written to a {@link StagedDirectory}, fsynced and renamed into place
 * only when complete, so a crash never leaves a half-written artifact where a reader would find it. Before a
 * recorded output is reused its fingerprint is checked; one that no longer matches is removed and produced again.
 *
 * <p>With a {@link SharedStorage} (a shared directory or MLflow's artifact proxy; see
 * {@link ArtifactStoreConfig}), outputs are published there instead, so workers on other machines can use them
 * ({@link SharedArtifacts}): callers get a local directory from {@link #localCopy}, a verified copy kept under
 * {@code <root>/copies}, and checkpoints are published too ({@link #publishedCheckpoints}).
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
    private final Optional<SharedArtifacts> shared;

    /** A store in the local directory {@code root}. */
    public ArtifactStore(Path root, DataSource database) {
        this.root = root.toAbsolutePath().normalize();
        this.index = new ArtifactIndex(database);
        this.shared = Optional.empty();
    }

    /**
     * A store publishing to {@code storage}, keeping up to {@code localCopyBytes} of copies for this machine under
     * {@code root}, which also holds work directories (checkpoints are written there first).
     */
    public ArtifactStore(Path root, DataSource database, SharedStorage storage, long localCopyBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.index = new ArtifactIndex(database);
        this.shared = Optional.of(new SharedArtifacts(storage,
                new LocalCopies(this.root.resolve(COPIES), localCopyBytes), index));
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
        return shared.map(s -> s.storage().describe() + "; local copies in " + s.copies().root() + " (at most "
                        + s.copies().maxBytes() / (1L << 20) + " MiB)")
                .orElse("local directory " + root);
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
        if (shared.isPresent()) {
            return shared.get().produce(kind, key, provenance, producer);
        }
        Path target = root.resolve(kind).resolve(key);
        if (!Files.isDirectory(target)) {
            write(target, producer);
        }
        // A directory here that is not recorded was renamed into place complete by an attempt that stopped
        // before recording it; staging guarantees it is whole.
        ArtifactRef ref = new ArtifactRef(kind, key, target.toUri().toString(), DirectoryDigest.of(target));
        index.record(ref, DirectoryDigest.quick(target), LocalCopies.sizeOf(target), provenance);
        return ref;
    }

    /**
     * The recorded output of {@code kind} with {@code key}, if it is recorded and its directory is inside this store,
     * without the fingerprint check of {@link #find}: for a caller that verifies the content itself and can repair
     * part of it (an activation cache checks every shard against its checksum and rebuilds from the first bad one,
     * where {@code find} would discard the whole cache).
     */
    public Optional<ArtifactRef> findForRepair(String kind, String key) {
        Optional<ArtifactRef> ref = index.lookUp(kind, key).map(ArtifactIndex.Recorded::ref);
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        if (isShared(ref.get())) {
            return shared.get().stillPublished(ref.get()); // its local copy is checked whenever it is made
        }
        Path dir = fileOf(ref.get());
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        confine(root, dir);
        return ref;
    }

    /**
     * The recorded output of {@code kind} with {@code key}, if it is recorded, still on disk and still matches its
     * fingerprint. One that does not match is removed (and its record forgotten), so the caller produces it again.
     */
    public Optional<ArtifactRef> find(String kind, String key) {
        Optional<ArtifactIndex.Recorded> recorded = index.lookUp(kind, key);
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        ArtifactRef ref = recorded.get().ref();
        if (isShared(ref)) {
            return shared.get().stillPublished(ref);
        }
        Path dir = fileOf(ref);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        confine(root, dir); // a recorded location is reused only inside this store
        String quick = DirectoryDigest.quick(dir);
        if (recorded.get().quickDigest() == null) {
            // Recorded before fingerprints existed: check the full hash once, then keep the fingerprint.
            if (DirectoryDigest.of(dir).equals(ref.contentHash())) {
                index.updateQuickDigest(ref, quick);
                return Optional.of(ref);
            }
        } else if (quick.equals(recorded.get().quickDigest())) {
            return Optional.of(ref);
        }
        LOG.log(System.Logger.Level.WARNING, "artifact {0}/{1} at {2} no longer matches what was recorded; "
                + "removing it so it is produced again", kind, key, dir);
        discard(ref, dir);
        return Optional.empty();
    }

    /**
     * Recomputes the full content hash of every recorded artifact (of {@code experiment}, when given) and compares
     * it with the recorded one. Reads every byte: what {@code saesplit verify} runs.
     */
    public List<ArtifactCheck> verify(Optional<String> experiment) {
        List<ArtifactCheck> checks = new ArrayList<>();
        for (ArtifactIndex.Recorded recorded : index.recorded(experiment)) {
            ArtifactRef ref = recorded.ref();
            if (isShared(ref)) {
                checks.add(shared.get().check(ref));
                continue;
            }
            Path dir = fileOf(ref);
            if (!Files.isDirectory(dir)) {
                checks.add(new ArtifactCheck(ref, dir, ArtifactCheck.Status.MISSING, "the directory is gone"));
                continue;
            }
            String actual = DirectoryDigest.of(dir);
            checks.add(actual.equals(ref.contentHash())
                    ? new ArtifactCheck(ref, dir, ArtifactCheck.Status.OK, "")
                    : new ArtifactCheck(ref, dir, ArtifactCheck.Status.MISMATCH,
                    "content hash " + actual + ", recorded " + ref.contentHash()));
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
        return isShared(ref) ? shared.get().localCopy(ref) : directory(ref);
    }

    /**
     * The checkpoints of the work towards {@code kind}/{@code key} published to the shared store, keeping the newest
     * {@code keep}; empty for a local store, where the work directory is all there is.
     */
    public Optional<PublishedCheckpoints> publishedCheckpoints(String kind, String key, int keep) {
        return shared.map(s -> s.checkpoints(kind, key, keep));
    }

    /**
     * The directory of {@code ref} in a local store, which must exist and, symlinks resolved, still be {@code <kind>/<key>} of a
     * store: an artifact directory replaced by a link to elsewhere is refused rather than read.
     */
    public static Path directory(ArtifactRef ref) {
        Path dir = fileOf(ref);
        if (!Files.isDirectory(dir)) {
            throw new ArtifactCorruptException(dir, ref.kind() + " " + ref.key(), "the artifact directory is gone");
        }
        try {
            Path real = dir.toRealPath();
            if (!real.endsWith(Path.of(ref.kind(), ref.key()))) {
                throw new ArtifactOutsideRootException(dir, real, dir.getParent().getParent());
            }
        } catch (IOException e) {
            throw new ArtifactCorruptException(dir, ref.kind() + " " + ref.key(), "it cannot be resolved: "
                    + e.getMessage());
        }
        return dir;
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
        deleteTree(root.resolve("work").resolve(kind).resolve(key));
        shared.ifPresent(s -> s.clearWork(kind, key));
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

    /**
     * The local directory a {@code file:} URI names. Any other URI was recorded by workers with another
     * {@code SAESPLIT_ARTIFACTS}, and is refused with a message saying so.
     */
    private static Path fileOf(ArtifactRef ref) {
        if (!ref.uri().startsWith("file:")) {
            throw new ArtifactConfigException("artifact " + ref.kind() + "/" + ref.key() + " is recorded at "
                    + ref.uri() + ", outside the store this process uses; set " + ArtifactStoreConfig.VARIABLE
                    + " as the workers that produced it had it");
        }
        return Path.of(URI.create(ref.uri()));
    }

    private boolean isShared(ArtifactRef ref) {
        return shared.isPresent() && shared.get().holds(ref);
    }

    private void write(Path target, Producer producer) {
        // A second writer of the same output loses the rename and drops its copy: outputs are interchangeable.
        try (StagedDirectory staging = StagedDirectory.create(target.getParent(), target.getFileName().toString())) {
            producer.writeInto(staging.directory());
            staging.commit(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write artifact " + target, e);
        }
    }

    /** Forgets a corrupted artifact and deletes its directory, so the next request produces it afresh. */
    private void discard(ArtifactRef ref, Path dir) {
        index.forget(ref);
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the corrupted artifact " + dir, e);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            StagedDirectory.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
