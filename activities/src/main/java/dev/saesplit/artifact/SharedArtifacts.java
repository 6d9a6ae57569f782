package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The shared placement of an {@link ArtifactStore}'s outputs published to a {@link SharedStorage}
 * ({@code <kind>/<key>/upload-<random>/}, see {@link SharedUploads}), indexed in PostgreSQL, and read through this
 * machine's {@link LocalCopies}. A producer writes its output locally, uploads it under a name of its own,
 * publishes it, and then records it in PostgreSQL only if no one recorded that kind and key first; a producer that
 * loses withdraws its upload and takes the winner's artifact.
 */
final class SharedArtifacts implements ArtifactPlacement {

    private static final System.Logger LOG = System.getLogger(SharedArtifacts.class.getName());

    private final SharedUploads uploads;
    private final LocalCopies copies;
    private final ArtifactIndex index;

    SharedArtifacts(SharedStorage storage, LocalCopies copies, ArtifactIndex index) {
        this.uploads = new SharedUploads(storage);
        this.copies = copies;
        this.index = index;
    }

    SharedStorage storage() {
        return uploads.storage();
    }

    /** Where outputs go and where this machine keeps its copies. */
    @Override
    public String describe() {
        return storage().describe() + "; local copies in " + copies.root() + " (at most "
                + copies.maxBytes() / (1L << 20) + " MiB)";
    }

    /** Whether {@code ref} lives in this shared store (rather than in a local directory). */
    @Override
    public boolean holds(ArtifactRef ref) {
        return storage().pathOf(ref.uri()).isPresent();
    }

    @Override
    public ArtifactRef produce(String kind, String key, Provenance provenance, ArtifactStore.Producer producer) {
        String location = kind + "/" + key;
        String name = SharedUploads.uniqueName("upload");
        try (StagedDirectory staging = copies.stage()) {
            Path output = staging.directory();
            producer.writeInto(output);
            String hash = DirectoryDigest.of(output);
            uploads.publish(output, location, name, hash);
            ArtifactRef mine = new ArtifactRef(kind, key, storage().uri(location + "/" + name), hash);
            String quick = DirectoryDigest.quick(output);
            long size = LocalCopies.sizeOf(output);
            ArtifactRef standing = index.recordFirst(mine, quick, size, provenance);
            if (!holds(standing)) {
                // Recorded by a local store before this installation shared one, and not found: replaced.
                index.record(mine, quick, size, provenance);
                standing = mine;
            }
            if (!standing.uri().equals(mine.uri())) {
                LOG.log(System.Logger.Level.INFO, "{0}/{1} was published first by another producer as {2}; "
                        + "withdrawing this one''s copy", kind, key, standing.uri());
                uploads.withdraw(location, name);
            }
            copies.adopt(staging, hash); // the producer reads its own output from here without downloading it
            return standing;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish artifact " + location + " to " + storage().describe(), e);
        }
    }

    @Override
    public Optional<ArtifactRef> find(ArtifactIndex.Recorded recorded) {
        return stillPublished(recorded.ref());
    }

    /** Its local copy is checked whenever it is made, so repair needs no more than {@link #find}. */
    @Override
    public Optional<ArtifactRef> findForRepair(ArtifactRef ref) {
        return stillPublished(ref);
    }

    /**
     * {@code recorded} if it is still published with the recorded content hash; otherwise its record is forgotten,
     * so the caller produces it again.
     */
    private Optional<ArtifactRef> stillPublished(ArtifactRef recorded) {
        Location at = locate(recorded);
        try {
            Optional<SharedUploads.Manifest> manifest = uploads.manifest(at.location(), at.name());
            if (manifest.isPresent() && manifest.get().contentHash().equals(recorded.contentHash())) {
                return Optional.of(recorded);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check artifact " + recorded.uri(), e);
        }
        LOG.log(System.Logger.Level.WARNING, "artifact {0}/{1} is no longer published at {2}; it will be produced "
                + "again", recorded.kind(), recorded.key(), recorded.uri());
        index.forget(recorded);
        return Optional.empty();
    }

    /** This machine's verified copy of {@code ref}, downloaded first if need be. */
    @Override
    public Path localCopy(ArtifactRef ref) {
        return copies.get(ref.contentHash(), into -> download(ref, into));
    }

    /** Downloads {@code ref} afresh, past the local copies, and compares it with the recorded hash. */
    @Override
    public ArtifactCheck check(ArtifactRef ref) {
        Path shownAs = copies.root().resolve(ref.contentHash());
        try (StagedDirectory scratch = copies.stage()) {
            Location at = locate(ref);
            if (uploads.manifest(at.location(), at.name()).isEmpty()) {
                return new ArtifactCheck(ref, shownAs, ArtifactCheck.Status.MISSING, "not published at " + ref.uri());
            }
            download(ref, scratch.directory());
            return new ArtifactCheck(ref, shownAs, ArtifactCheck.Status.OK, "");
        } catch (ArtifactCorruptException e) {
            return new ArtifactCheck(ref, shownAs, ArtifactCheck.Status.MISMATCH, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check artifact " + ref.uri(), e);
        }
    }

    @Override
    public Optional<PublishedCheckpoints> publishedCheckpoints(String kind, String key, int keep) {
        return Optional.of(new PublishedCheckpoints(uploads, workLocation(kind, key) + "/checkpoints", keep));
    }

    @Override
    public void clearPublishedWork(String kind, String key) {
        try {
            storage().delete(workLocation(kind, key));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + storage().uri(workLocation(kind, key)), e);
        }
    }

    private static String workLocation(String kind, String key) {
        return "work/" + kind + "/" + key;
    }

    private void download(ArtifactRef ref, Path into) throws IOException {
        Location at = locate(ref);
        SharedUploads.Manifest manifest = uploads.manifest(at.location(), at.name()).orElseThrow(() ->
                new ArtifactCorruptException(copies.root(), ref.kind() + " " + ref.key(), "no longer published at "
                        + ref.uri()));
        if (!manifest.contentHash().equals(ref.contentHash())) {
            throw new ArtifactCorruptException(copies.root(), ref.kind() + " " + ref.key(), "published at "
                    + ref.uri() + " with content hash " + manifest.contentHash() + ", recorded with "
                    + ref.contentHash());
        }
        uploads.download(at.location(), at.name(), manifest, into);
    }

    private record Location(String location, String name) {
    }

    private Location locate(ArtifactRef ref) {
        String path = storage().pathOf(ref.uri()).orElseThrow(() ->
                new IllegalArgumentException(ref.uri() + " is not in " + storage().describe()));
        int slash = path.lastIndexOf('/');
        return new Location(path.substring(0, slash), path.substring(slash + 1));
    }
}
