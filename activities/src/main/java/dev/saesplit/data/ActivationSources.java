package dev.saesplit.data;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.CacheVerification;
import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.data.npy.NpyFileList;
import dev.saesplit.data.stream.ModelActivationStream;

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
     * an activation cache, registered .npy files, or activations streamed from a model, which are computed as they
     * are read ({@link ModelActivationStream}).
     */
    public static ActivationSource open(Path dir) {
        if (ModelActivationStream.isStream(dir)) {
            return ModelActivationStream.open(dir);
        }
        Path npyList = dir.resolve(NpyFileList.FILE_NAME);
        if (Files.isRegularFile(npyList)) {
            return NpyActivationSource.open(registeredFiles(npyList));
        }
        // Shard checksums were verified when the cache was made; a reader checks presence, sizes and shapes.
        return ActivationCacheReader.open(dir, CacheVerification.SHAPES);
    }

    /**
     * The activations read from a language model, cached or streamed, whose
     * {@link TokenedActivationSource#rowTokens()} gives each row's token id, context and position; empty for other
     * sources. Close it when done.
     */
    public static Optional<TokenedActivationSource> openModelCache(Path dir) {
        if (ModelActivationStream.isStream(dir)) {
            return Optional.of(ModelActivationStream.open(dir));
        }
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

    /**
     * How training shuffles the activations in {@code dir}: a stream's buffer of whole forward batches
     * ({@link ModelActivationStream#shuffleConfig}); for stored activations, chunks and a window sized for their
     * width ({@link ShuffleConfig#forWidth}).
     */
    public static ShuffleConfig shuffleConfig(Path dir, int batchSize, long seed, int dIn) {
        if (ModelActivationStream.isStream(dir)) {
            try (ModelActivationStream stream = ModelActivationStream.open(dir)) {
                return stream.shuffleConfig(batchSize, seed);
            }
        }
        return ShuffleConfig.forWidth(batchSize, seed, dIn);
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
