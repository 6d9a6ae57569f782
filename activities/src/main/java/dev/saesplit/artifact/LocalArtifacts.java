package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Outputs in a local directory, {@code <root>/<kind>/<key>/}: written to a {@link StagedDirectory} and renamed into
 * place only when complete, so a crash never leaves a half-written artifact where a reader would find it. Before a
 * recorded output is reused its cheap fingerprint ({@link DirectoryDigest#quick}) is checked; one that no longer
 * matches is removed and produced again.
 */
final class LocalArtifacts implements ArtifactPlacement {

    private static final System.Logger LOG = System.getLogger(ArtifactStore.class.getName());

    private final Path root;
    private final ArtifactIndex index;

    LocalArtifacts(Path root, ArtifactIndex index) {
        this.root = root;
        this.index = index;
    }

    @Override
    public String describe() {
        return "local directory " + root;
    }

    @Override
    public boolean holds(ArtifactRef ref) {
        return ref.uri().startsWith("file:");
    }

    @Override
    public ArtifactRef produce(String kind, String key, Provenance provenance, ArtifactStore.Producer producer) {
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

    @Override
    public Optional<ArtifactRef> find(ArtifactIndex.Recorded recorded) {
        ArtifactRef ref = recorded.ref();
        Path dir = fileOf(ref);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        ArtifactStore.confine(root, dir); // a recorded location is reused only inside this store
        String quick = DirectoryDigest.quick(dir);
        if (recorded.quickDigest() == null) {
            // Recorded before fingerprints existed: check the full hash once, then keep the fingerprint.
            if (DirectoryDigest.of(dir).equals(ref.contentHash())) {
                index.updateQuickDigest(ref, quick);
                return Optional.of(ref);
            }
        } else if (quick.equals(recorded.quickDigest())) {
            return Optional.of(ref);
        }
        LOG.log(System.Logger.Level.WARNING, "artifact {0}/{1} at {2} no longer matches what was recorded; "
                + "removing it so it is produced again", ref.kind(), ref.key(), dir);
        discard(ref, dir);
        return Optional.empty();
    }

    @Override
    public Optional<ArtifactRef> findForRepair(ArtifactRef ref) {
        Path dir = fileOf(ref);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        ArtifactStore.confine(root, dir);
        return Optional.of(ref);
    }

    @Override
    public ArtifactCheck check(ArtifactRef ref) {
        Path dir = fileOf(ref);
        if (!Files.isDirectory(dir)) {
            return new ArtifactCheck(ref, dir, ArtifactCheck.Status.MISSING, "the directory is gone");
        }
        String actual = DirectoryDigest.of(dir);
        return actual.equals(ref.contentHash())
                ? new ArtifactCheck(ref, dir, ArtifactCheck.Status.OK, "")
                : new ArtifactCheck(ref, dir, ArtifactCheck.Status.MISMATCH,
                "content hash " + actual + ", recorded " + ref.contentHash());
    }

    @Override
    public Path localCopy(ArtifactRef ref) {
        return directory(ref);
    }

    /** Empty: the work directory is all there is. */
    @Override
    public Optional<PublishedCheckpoints> publishedCheckpoints(String kind, String key, int keep) {
        return Optional.empty();
    }

    @Override
    public void clearPublishedWork(String kind, String key) {
        // nothing is published
    }

    /** See {@link ArtifactStore#directory}. */
    static Path directory(ArtifactRef ref) {
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

    private static void write(Path target, ArtifactStore.Producer producer) {
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
}
