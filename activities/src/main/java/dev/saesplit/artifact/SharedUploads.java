package dev.saesplit.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Directories in a {@link SharedStorage}, published atomically. A directory is uploaded file by file under a name
 * no one else uses ({@code <location>/<name>/…}); only then is its manifest written beside it
 * ({@code <location>/<name>.published.json}: its files, their sizes and the directory's content hash). Readers
 * look only at names that have a manifest, so they never see a partial upload, and a download is checked against
 * the manifest's content hash before anyone uses it.
 */
public final class SharedUploads {

    static final String MANIFEST_SUFFIX = ".published.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a published directory holds: its files, their sizes, and its {@link DirectoryDigest#of} hash. */
    public record Manifest(@JsonProperty("content_hash") String contentHash,
                           @JsonProperty("files") List<FileEntry> files) {

        public long sizeBytes() {
            return files.stream().mapToLong(FileEntry::size).sum();
        }
    }

    public record FileEntry(@JsonProperty("path") String path, @JsonProperty("size") long size) {
    }

    private final SharedStorage storage;

    public SharedUploads(SharedStorage storage) {
        this.storage = storage;
    }

    public SharedStorage storage() {
        return storage;
    }

    /** A name for an upload that no other producer will pick: {@code base-<16 random hex digits>}. */
    public static String uniqueName(String base) {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return base + "-" + HexFormat.of().formatHex(random);
    }

    /** Uploads every file of {@code directory} to {@code location/name}, then publishes it; returns its manifest. */
    public Manifest publish(Path directory, String location, String name, String contentHash) throws IOException {
        List<FileEntry> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                String relative = directory.relativize(file).toString().replace('\\', '/');
                storage.put(location + "/" + name + "/" + relative, file);
                files.add(new FileEntry(relative, Files.size(file)));
            }
        }
        Manifest manifest = new Manifest(contentHash, files);
        Path manifestFile = Files.createTempFile("saesplit-manifest-", ".json");
        try {
            JSON.writeValue(manifestFile.toFile(), manifest);
            storage.put(location + "/" + name + MANIFEST_SUFFIX, manifestFile); // last: this is the publication
        } finally {
            Files.deleteIfExists(manifestFile);
        }
        return manifest;
    }

    /** The manifest of {@code location/name}, if it was published. */
    public Optional<Manifest> manifest(String location, String name) throws IOException {
        Path manifestFile = Files.createTempFile("saesplit-manifest-", ".json");
        try {
            if (!storage.get(location + "/" + name + MANIFEST_SUFFIX, manifestFile)) {
                return Optional.empty();
            }
            return Optional.of(JSON.readValue(manifestFile.toFile(), Manifest.class));
        } finally {
            Files.deleteIfExists(manifestFile);
        }
    }

    /** The names published under {@code location}. */
    public List<String> published(String location) throws IOException {
        return storage.list(location).stream()
                .filter(e -> !e.directory() && e.name().endsWith(MANIFEST_SUFFIX))
                .map(e -> e.name().substring(0, e.name().length() - MANIFEST_SUFFIX.length()))
                .sorted().toList();
    }

    /**
     * Downloads the published {@code location/name} into the empty directory {@code into} and checks it against its
     * manifest: every file of the stated size, and the whole matching the content hash.
     */
    public void download(String location, String name, Manifest manifest, Path into) throws IOException {
        for (FileEntry entry : manifest.files()) {
            Path file = into.resolve(entry.path()).normalize();
            if (!file.startsWith(into)) {
                throw new ArtifactCorruptException(into, entry.path(), "the manifest of " + location + "/" + name
                        + " names a file outside its directory");
            }
            Files.createDirectories(file.getParent());
            if (!storage.get(location + "/" + name + "/" + entry.path(), file)) {
                throw new ArtifactCorruptException(file, entry.path(), "missing from " + storage.uri(location + "/"
                        + name) + " although its manifest lists it");
            }
            if (Files.size(file) != entry.size()) {
                throw new ArtifactCorruptException(file, entry.path(), "downloaded " + Files.size(file)
                        + " bytes, the manifest of " + storage.uri(location + "/" + name) + " says " + entry.size());
            }
        }
        String actual = DirectoryDigest.of(into);
        if (!actual.equals(manifest.contentHash())) {
            throw new ArtifactCorruptException(into, location + "/" + name, "downloaded content hash " + actual
                    + " differs from the published " + manifest.contentHash());
        }
    }

    /** Withdraws {@code location/name}: the manifest first, so no reader starts on data about to go. */
    public void withdraw(String location, String name) throws IOException {
        storage.delete(location + "/" + name + MANIFEST_SUFFIX);
        storage.delete(location + "/" + name);
    }
}
