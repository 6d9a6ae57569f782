package dev.saesplit.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * This machine's copies of shared artifacts, one directory per content hash ({@code <root>/<hash>/}), bounded in
 * total size. A copy is downloaded into a {@link StagedDirectory}, checked against the hash it is filed under,
 * and only then renamed into place, with a record beside it ({@code <hash>.json}: its fingerprint and size,
 * modified on every use). Before a copy is reused its fingerprint ({@link DirectoryDigest#quick}) is checked; one
 * that no longer matches is deleted and downloaded again. When the copies outgrow the bound, the least recently
 * used go, never the one just asked for.
 *
 * <p>A copy evicted while another thread or process reads it stays readable through the files that reader has
 * open or mapped (POSIX semantics), not through files it has yet to open; keep the bound well above one
 * experiment's working set.
 */
public final class LocalCopies {

    /** Fills an empty directory with an artifact's files, checked against its content hash. */
    @FunctionalInterface
    public interface Download {
        void into(Path directory) throws IOException;
    }

    record Note(@JsonProperty("quick_digest") String quickDigest, @JsonProperty("size_bytes") long sizeBytes) {
    }

    private static final System.Logger LOG = System.getLogger(LocalCopies.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NOTE_SUFFIX = ".json";

    private final Path root;
    private final long maxBytes;

    public LocalCopies(Path root, long maxBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    public Path root() {
        return root;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The verified local copy of the artifact with {@code contentHash}, downloading it first if need be. */
    public Path get(String contentHash, Download download) {
        Path copy = root.resolve(requireHash(contentHash));
        if (usable(contentHash, copy)) {
            return copy;
        }
        try (StagedDirectory staging = stage()) {
            download.into(staging.directory());
            return adopt(staging, contentHash);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a local copy of artifact " + contentHash + " in " + root, e);
        }
    }

    /** A new staging directory among the copies, for a download or for an output about to be published. */
    public StagedDirectory stage() throws IOException {
        return StagedDirectory.create(root, "copy");
    }

    /**
     * Files the complete, verified {@code staging} as the copy of {@code contentHash} (a copy already there, made by
     * another thread or process, is as good and is kept) and returns the copy's directory.
     */
    public Path adopt(StagedDirectory staging, String contentHash) throws IOException {
        Path copy = root.resolve(requireHash(contentHash));
        Path note = root.resolve(contentHash + NOTE_SUFFIX);
        // Losing the rename leaves the copy another writer filed: everything filed here was checked against its
        // hash first, so it is as good as this one.
        staging.commit(copy);
        writeNote(note, new Note(DirectoryDigest.quick(copy), sizeOf(copy)));
        evictBeyondBound(contentHash);
        return copy;
    }

    private boolean usable(String contentHash, Path copy) {
        Path note = root.resolve(contentHash + NOTE_SUFFIX);
        if (!Files.isRegularFile(note) || !Files.isDirectory(copy)) {
            return false;
        }
        try {
            Note recorded = JSON.readValue(note.toFile(), Note.class);
            if (DirectoryDigest.quick(copy).equals(recorded.quickDigest())) {
                Files.setLastModifiedTime(note, FileTime.from(Instant.now())); // least recently used goes first
                return true;
            }
        } catch (IOException | UncheckedIOException e) {
            // unreadable note or copy: treated as a mismatch
        }
        LOG.log(System.Logger.Level.WARNING, "the local copy {0} no longer matches what was downloaded; "
                + "downloading it again", copy);
        forget(contentHash);
        return false;
    }

    /** Deletes least recently used copies, other than {@code keep}, until the copies fit the bound. */
    private void evictBeyondBound(String keep) throws IOException {
        record Used(String hash, long size, FileTime lastUse) {
        }
        List<Used> copies = new ArrayList<>();
        long total = 0;
        try (Stream<Path> children = Files.list(root)) {
            for (Path note : children.filter(p -> p.getFileName().toString().endsWith(NOTE_SUFFIX)).toList()) {
                String name = note.getFileName().toString();
                String hash = name.substring(0, name.length() - NOTE_SUFFIX.length());
                try {
                    Used used = new Used(hash, JSON.readValue(note.toFile(), Note.class).sizeBytes(),
                            Files.getLastModifiedTime(note));
                    copies.add(used);
                    total += used.size();
                } catch (NoSuchFileException evictedMeanwhile) {
                    // another process made room at the same time
                }
            }
        }
        copies.sort(Comparator.comparing(Used::lastUse));
        for (Used used : copies) {
            if (total <= maxBytes) {
                break;
            }
            if (!used.hash().equals(keep)) {
                forget(used.hash());
                total -= used.size();
                LOG.log(System.Logger.Level.DEBUG, "evicted the local copy {0} ({1} bytes)", used.hash(), used.size());
            }
        }
    }

    /** Removes a copy: the note first, so no one trusts the directory while it is being deleted. */
    private void forget(String contentHash) {
        try {
            Files.deleteIfExists(root.resolve(contentHash + NOTE_SUFFIX));
            StagedDirectory.deleteTree(root.resolve(contentHash));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the local copy " + root.resolve(contentHash), e);
        }
    }

    private void writeNote(Path note, Note content) throws IOException {
        Path temp = Files.createTempFile(root, StagedDirectory.PREFIX + "note-", NOTE_SUFFIX);
        try {
            JSON.writeValue(temp.toFile(), content);
            StagedDirectory.moveIntoPlace(temp, note);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static String requireHash(String contentHash) {
        if (!contentHash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a content hash: " + contentHash);
        }
        return contentHash;
    }

    static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
