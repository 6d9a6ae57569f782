package dev.saesplit.data.cache;

import dev.saesplit.data.JsonArtifacts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Streams activations into a cache directory: rows are appended, shards roll over once they reach the size
 * limit, and {@link #finish()} writes {@code manifest.json} with every shard's checksums. Memory is a few
 * write buffers, whatever the number of rows. Closing without finishing leaves no manifest, so the half-written
 * directory is never mistaken for a cache.
 */
public final class ActivationCacheWriter implements AutoCloseable {

    private final Path directory;
    private final CacheDescription description;
    private final long rowsPerShard;
    private final List<CacheShard> shards = new ArrayList<>();

    private CacheShardWriter shard;
    private long totalTokens;
    private boolean finished;

    private ActivationCacheWriter(Path directory, CacheDescription description, long rowsPerShard) {
        this.directory = directory;
        this.description = description;
        this.rowsPerShard = rowsPerShard;
    }

    /**
     * Starts a cache in {@code directory} (created if needed; it must not already hold a finished cache), rolling
     * shards once their activation file would pass {@code maxShardBytes} (at least one row per shard).
     */
    public static ActivationCacheWriter create(Path directory, CacheDescription description, long maxShardBytes)
            throws IOException {
        Objects.requireNonNull(description, "description");
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive, got " + maxShardBytes);
        }
        Files.createDirectories(directory);
        if (Files.exists(directory.resolve(CacheManifest.FILE_NAME))) {
            throw new IllegalStateException(directory + " already holds a finished activation cache");
        }
        long rowsPerShard = Math.max(1, maxShardBytes / ((long) description.dtype().itemBytes() * description.dIn()));
        return new ActivationCacheWriter(directory, description, rowsPerShard);
    }

    public long totalTokens() {
        return totalTokens;
    }

    /**
     * Appends {@code rows} rows: {@code activations[0, rows * dIn)} row-major, with the token id and the position
     * in context of each row.
     */
    public void append(float[] activations, int[] tokenIds, int[] positions, int rows) throws IOException {
        if (finished) {
            throw new IllegalStateException(directory + ": the cache is already finished");
        }
        int d = description.dIn();
        if (activations.length < rows * d || tokenIds.length < rows || positions.length < rows) {
            throw new IllegalArgumentException("arrays hold fewer than " + rows + " rows of width " + d);
        }
        int done = 0;
        while (done < rows) {
            if (shard == null) {
                shard = CacheShardWriter.create(directory, shards.size(), d, false, description.dtype());
            }
            int take = (int) Math.min(rows - done, rowsPerShard - shard.rows());
            shard.append(activations, tokenIds, positions, null, done, take);
            done += take;
            totalTokens += take;
            if (shard.rows() == rowsPerShard) {
                closeShard();
            }
        }
    }

    /** Closes the last shard and writes the manifest; the cache is complete once this returns. */
    public CacheManifest finish() throws IOException {
        if (finished) {
            throw new IllegalStateException(directory + ": the cache is already finished");
        }
        if (shard != null) {
            closeShard();
        }
        finished = true;
        return writeManifest(directory, description, shards);
    }

    /** Writes the manifest of finished {@code shards} in {@code directory}, which makes it a cache. */
    public static CacheManifest writeManifest(Path directory, CacheDescription description, List<CacheShard> shards)
            throws IOException {
        long rows = shards.stream().mapToLong(CacheShard::rows).sum();
        CacheManifest manifest = new CacheManifest(CacheManifest.FORMAT_VERSION, description.model(),
                description.hook(), description.dtype().specName(), description.dIn(), rows, shards,
                description.modelLoading());
        JsonArtifacts.write(directory.resolve(CacheManifest.FILE_NAME), manifest);
        return manifest;
    }

    /** Releases open files; without {@link #finish()} first, the directory stays an unfinished cache. */
    @Override
    public void close() throws IOException {
        CacheShardWriter open = shard;
        shard = null;
        if (open != null) {
            open.close();
        }
    }

    private void closeShard() throws IOException {
        CacheShardWriter closing = shard;
        shard = null;
        shards.add(closing.finish());
    }
}
