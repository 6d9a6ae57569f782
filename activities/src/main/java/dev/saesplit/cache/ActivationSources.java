package dev.saesplit.cache;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.CacheVerification;
import dev.saesplit.data.npy.NpyActivationSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Opens activations from an artifact's local directory, whichever way they are stored. */
public final class ActivationSources {

    private ActivationSources() {
    }

    /**
     * Opens an activations artifact from its local directory ({@link dev.saesplit.artifact.ArtifactStore#localCopy}):
     * an activation cache, or registered .npy files.
     */
    public static ActivationSource open(Path dir) {
        Path npyList = dir.resolve(NpyFileList.FILE_NAME);
        if (Files.isRegularFile(npyList)) {
            return NpyActivationSource.open(registeredFiles(npyList));
        }
        // Shard checksums were verified when the cache was made; a reader checks presence, sizes and shapes.
        return ActivationCacheReader.open(dir, CacheVerification.SHAPES);
    }

    /**
     * The cache of activations read from a language model, whose {@link ActivationCacheReader#rowTokens()} gives
     * each row's token id, context and position; empty for other sources. Close the reader when done.
     */
    public static Optional<ActivationCacheReader> openModelCache(Path dir) {
        if (Files.isRegularFile(dir.resolve(NpyFileList.FILE_NAME))) {
            return Optional.empty();
        }
        ActivationCacheReader reader = ActivationCacheReader.open(dir, CacheVerification.SHAPES);
        if (reader.rowTokens().isEmpty()) {
            reader.close();
            return Optional.empty();
        }
        return Optional.of(reader);
    }

    private static List<Path> registeredFiles(Path npyList) {
        List<Path> files = new ArrayList<>();
        for (NpyFileList.Entry entry : JsonArtifacts.read(npyList, NpyFileList.class).files()) {
            Path file = Path.of(entry.path());
            try {
                if (Files.size(file) != entry.sizeBytes()
                        || Files.getLastModifiedTime(file).toMillis() != entry.modifiedMillis()) {
                    throw new ArtifactCorruptException(file, "activations", "changed since it was registered; "
                            + "its cached outputs may no longer match it, so run the experiment under a new name");
                }
            } catch (IOException e) {
                throw new ArtifactCorruptException(file, "activations", "cannot be read: " + e.getMessage(), e);
            }
            files.add(file);
        }
        return files;
    }
}
