package dev.saesplit.data.cache;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.digest.Sha256;
import dev.saesplit.spec.CacheDtype;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one shard of an activation cache: the activation matrix and, per row, the token id, the position in its
 * context and (when the cache records them) the context index. {@link #finish()} closes the files and returns the
 * shard as the manifest records it, checksums included.
 */
public final class CacheShardWriter implements AutoCloseable {

    private final String name;
    private final int dIn;
    private final CacheDtype dtype;
    private final NpyWriter activations;
    private final NpyWriter tokenIds;
    private final NpyWriter positions;
    private final NpyWriter contexts;

    private CacheShardWriter(String name, int dIn, CacheDtype dtype, NpyWriter activations, NpyWriter tokenIds,
                             NpyWriter positions, NpyWriter contexts) {
        this.name = name;
        this.dIn = dIn;
        this.dtype = dtype;
        this.activations = activations;
        this.tokenIds = tokenIds;
        this.positions = positions;
        this.contexts = contexts;
    }

    /**
     * Starts shard {@code index} in {@code directory}, replacing any files of that shard already there.
     *
     * @param withContexts whether each row's context index is recorded ({@link #append} then requires them)
     */
    public static CacheShardWriter create(Path directory, int index, int dIn, boolean withContexts)
            throws IOException {
        return create(directory, index, dIn, withContexts, CacheDtype.FLOAT32);
    }

    /** As {@link #create(Path, int, int, boolean)}, storing the activations as {@code dtype}. */
    public static CacheShardWriter create(Path directory, int index, int dIn, boolean withContexts, CacheDtype dtype)
            throws IOException {
        String name = shardName(index);
        List<NpyWriter> opened = new ArrayList<>(4);
        try {
            opened.add(NpyWriter.create(directory.resolve(name + ".activations.npy"), ActivationStorage.npyDtype(dtype),
                    dIn));
            opened.add(NpyWriter.create(directory.resolve(name + ".token_ids.npy"), NpyDtype.INT32));
            opened.add(NpyWriter.create(directory.resolve(name + ".positions.npy"), NpyDtype.INT32));
            if (withContexts) {
                opened.add(NpyWriter.create(directory.resolve(name + ".contexts.npy"), NpyDtype.INT64));
            }
        } catch (IOException | RuntimeException e) {
            for (NpyWriter writer : opened) {
                writer.close();
            }
            throw e;
        }
        return new CacheShardWriter(name, dIn, dtype, opened.get(0), opened.get(1), opened.get(2),
                withContexts ? opened.get(3) : null);
    }

    /** {@code shard-00003} for index 3: names sort in row order. */
    public static String shardName(int index) {
        return String.format("shard-%05d", index);
    }

    public String name() {
        return name;
    }

    public long rows() {
        return activations.rows();
    }

    /**
     * Appends {@code count} rows starting at row {@code from} of the arrays ({@code activations} row-major);
     * {@code contexts} is ignored (may be null) when the shard records none. A finite activation that the cache's
     * dtype would store as an infinity is refused before anything of the batch is written.
     */
    public void append(float[] activations, int[] tokenIds, int[] positions, long[] contexts, int from, int count)
            throws IOException {
        int overflow = ActivationStorage.firstOverflow(dtype, activations, from * dIn, count * dIn);
        if (overflow >= 0) {
            int row = overflow / dIn;
            throw new ActivationFormatException(this.activations.file(), "activation " + activations[overflow]
                    + " (row " + (this.activations.rows() + row - from) + ", column " + overflow % dIn
                    + ") is beyond " + dtype.specName() + "'s range; set activations.cache_dtype to bfloat16 or "
                    + "float32");
        }
        if (dtype == CacheDtype.BFLOAT16) {
            this.activations.writeBfloat16(activations, from * dIn, count * dIn);
        } else {
            this.activations.writeFloats(activations, from * dIn, count * dIn);
        }
        this.tokenIds.writeInts(tokenIds, from, count);
        this.positions.writeInts(positions, from, count);
        if (this.contexts != null) {
            this.contexts.writeLongs(contexts, from, count);
        }
    }

    /** Closes the files and describes the shard with each file's size and SHA-256. */
    public CacheShard finish() throws IOException {
        close();
        return new CacheShard(name, activations.rows(), describe(activations.file()), describe(tokenIds.file()),
                describe(positions.file()), contexts == null ? null : describe(contexts.file()));
    }

    @Override
    public void close() throws IOException {
        activations.close();
        tokenIds.close();
        positions.close();
        if (contexts != null) {
            contexts.close();
        }
    }

    private static CacheFile describe(Path file) throws IOException {
        return new CacheFile(file.getFileName().toString(), Files.size(file), Sha256.ofFile(file));
    }
}
