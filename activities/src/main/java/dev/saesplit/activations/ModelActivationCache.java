package dev.saesplit.activations;

import ai.djl.ndarray.NDManager;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.cache.ActivationCacheWriter;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.data.cache.CacheShard;
import dev.saesplit.data.cache.CacheShardWriter;
import dev.saesplit.data.stream.ForwardPass;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.ModelSourceException;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.dataset.ContextBatcher;
import dev.saesplit.lm.dataset.ContextCursor;
import dev.saesplit.lm.dataset.ContextStream;
import dev.saesplit.lm.dataset.TokenContext;
import dev.saesplit.spec.CacheDtype;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Caches a language model's activations at one hook over a dataset's contexts: contexts are forwarded in batches
 * (inference only, one sub-manager per batch, so memory is bounded by batch × context) and written shard by shard
 * with each row's token id, position and context index.
 *
 * <p>Shards hold whole contexts. After a shard is complete its record ({@code shard-NNNNN.record.json}: the shard
 * with its checksums and the {@link ContextCursor} after it) is written, so an attempt killed at any moment is
 * resumed by {@link #write} from the last shard whose record exists and whose files still match their checksums;
 * a shard that fails its checksum is rebuilt with every shard after it, never used. The output is the same,
 * byte for byte, whether or not the writing was interrupted.
 */
public final class ModelActivationCache {

    /** Shards of about this many bytes of activations: a few seconds of work each, a few files per GB. */
    public static final long DEFAULT_SHARD_BYTES = 64L << 20;
    static final String RECORD_SUFFIX = ".record.json";

    /**
     * A complete shard as recorded in the work directory.
     *
     * @param shard the shard with its checksums
     * @param next  where the dataset's contexts continue after it
     */
    record ShardRecord(CacheShard shard, ContextCursor next) {
    }

    private final Transformer model;
    private final HookPoint hook;
    private final ContextBatcher batcher;
    private final long totalContexts;
    private final int contextSize;
    private final int batchSize;
    private final int contextsPerShard;
    private final int dIn;
    private final CacheDtype dtype;
    private long contextsForwarded;

    /**
     * @param totalContexts contexts to cache (the spec's tokens over the context size)
     * @param batchSize     contexts per forward pass
     * @param maxShardBytes activation bytes per shard, rounded down to whole contexts (at least one)
     */
    public ModelActivationCache(Transformer model, HookPoint hook, ContextBatcher batcher, long totalContexts,
                                int batchSize, long maxShardBytes) {
        this(model, hook, batcher, totalContexts, batchSize, maxShardBytes, CacheDtype.FLOAT32);
    }

    /** As the constructor above, storing the activations as {@code dtype}. */
    public ModelActivationCache(Transformer model, HookPoint hook, ContextBatcher batcher, long totalContexts,
                                int batchSize, long maxShardBytes, CacheDtype dtype) {
        this.model = model;
        this.dtype = dtype;
        this.hook = hook;
        this.batcher = batcher;
        this.totalContexts = totalContexts;
        this.contextSize = batcher.settings().contextSize();
        this.batchSize = batchSize;
        this.dIn = hook.width(model.config());
        this.contextsPerShard = (int) Math.max(1, Math.min(1 << 20, maxShardBytes
                / ((long) dtype.itemBytes() * dIn * contextSize)));
        if (totalContexts < 1) {
            throw new ModelSourceException("tokens", "fewer than one context of " + contextSize + " tokens");
        }
    }

    /** Rows the finished cache holds. */
    public long totalTokens() {
        return totalContexts * contextSize;
    }

    /** Contexts this instance ran through the model (resumed shards are not run again). */
    public long contextsForwarded() {
        return contextsForwarded;
    }

    /**
     * Writes every shard not already intact in {@code workDirectory} and returns all of them in order.
     *
     * @param manager where batches are computed (its device is the model's)
     */
    public List<CacheShard> write(Path workDirectory, NDManager manager, CachingListener listener)
            throws IOException {
        List<ShardRecord> records = recover(workDirectory);
        List<CacheShard> shards = new ArrayList<>(records.stream().map(ShardRecord::shard).toList());
        ContextCursor cursor = records.isEmpty() ? ContextCursor.START : records.get(records.size() - 1).next();
        long done = cursor.contextIndex();
        try (ContextStream stream = batcher.contexts(cursor)) {
            while (done < totalContexts) {
                int inShard = (int) Math.min(contextsPerShard, totalContexts - done);
                int index = shards.size();
                try (CacheShardWriter writer = CacheShardWriter.create(workDirectory, index, dIn, true, dtype)) {
                    TokenContext last = null;
                    for (int written = 0; written < inShard; ) {
                        int count = Math.min(batchSize, inShard - written);
                        TokenContext[] batch = take(stream, count, done + written);
                        forward(batch, writer, manager);
                        written += count;
                        last = batch[count - 1];
                        listener.batchWritten((done + written) * contextSize, totalTokens());
                    }
                    CacheShard shard = writer.finish();
                    JsonArtifacts.write(recordFile(workDirectory, index), new ShardRecord(shard, last.next()));
                    shards.add(shard);
                }
                done += inShard;
                listener.shardRecorded(index, done * contextSize);
            }
        }
        return shards;
    }

    /** Moves the shards (and their records) from the work directory into {@code target} and writes the manifest. */
    public static void finish(Path workDirectory, Path target, CacheDescription description, List<CacheShard> shards)
            throws IOException {
        for (CacheShard shard : shards) {
            for (var file : shard.files()) {
                Files.move(workDirectory.resolve(file.file()), target.resolve(file.file()),
                        StandardCopyOption.ATOMIC_MOVE);
            }
            Path record = workDirectory.resolve(shard.name() + RECORD_SUFFIX);
            Files.move(record, target.resolve(record.getFileName()), StandardCopyOption.ATOMIC_MOVE);
        }
        ActivationCacheWriter.writeManifest(target, description, shards);
    }

    /**
     * The records of the leading run of intact shards: each one's record readable, its cursor where a whole number
     * of shards ends, and its files matching their checksums. Every file of a later shard is deleted.
     */
    List<ShardRecord> recover(Path workDirectory) throws IOException {
        List<ShardRecord> intact = new ArrayList<>();
        while (true) {
            int index = intact.size();
            Path file = recordFile(workDirectory, index);
            if (!Files.isRegularFile(file)) {
                break;
            }
            ShardRecord record;
            try {
                record = JsonArtifacts.read(file, ShardRecord.class);
            } catch (RuntimeException unreadable) {
                break;
            }
            long expectedEnd = Math.min(totalContexts, (long) (index + 1) * contextsPerShard);
            if (record.shard() == null || record.next() == null || record.next().contextIndex() != expectedEnd
                    || !ShardChecksums.intact(workDirectory, record.shard())) {
                break;
            }
            intact.add(record);
        }
        deleteShardsFrom(workDirectory, intact.size());
        return intact;
    }

    private void forward(TokenContext[] batch, CacheShardWriter writer, NDManager manager) throws IOException {
        int rows = batch.length * contextSize;
        int[] ids = new int[rows];
        int[] positions = new int[rows];
        long[] contexts = new long[rows];
        for (int c = 0; c < batch.length; c++) {
            for (int p = 0; p < contextSize; p++) {
                int row = c * contextSize + p;
                ids[row] = batch[c].tokenId(p);
                positions[row] = p;
                contexts[row] = batch[c].index();
            }
        }
        float[] activations = ForwardPass.activations(model, hook, ids, batch.length, contextSize, batch[0].index(), manager);
        writer.append(activations, ids, positions, contexts, 0, rows);
        contextsForwarded += batch.length;
    }

    private TokenContext[] take(ContextStream stream, int count, long firstIndex) {
        return take(stream, count, firstIndex, totalContexts, contextSize);
    }

    /** The next {@code count} contexts, or a {@link ModelSourceException} when the dataset makes too few. */
    static TokenContext[] take(ContextStream stream, int count, long firstIndex, long totalContexts,
                               int contextSize) {
        TokenContext[] batch = new TokenContext[count];
        for (int i = 0; i < count; i++) {
            if (!stream.hasNext()) {
                throw new ModelSourceException("tokens", totalContexts * contextSize + " tokens need "
                        + totalContexts + " contexts of " + contextSize + ", but the dataset makes only "
                        + (firstIndex + i) + "; lower tokens or use a larger dataset");
            }
            batch[i] = stream.next();
        }
        return batch;
    }

    private static Path recordFile(Path workDirectory, int index) {
        return workDirectory.resolve(CacheShardWriter.shardName(index) + RECORD_SUFFIX);
    }

    /** Deletes every file of shards {@code from} on (records first, so a crash here leaves no stale record). */
    private static void deleteShardsFrom(Path workDirectory, int from) throws IOException {
        List<Path> stale;
        try (Stream<Path> files = Files.list(workDirectory)) {
            stale = files.filter(f -> shardIndex(f) >= from)
                    .sorted((a, b) -> Boolean.compare(!isRecord(a), !isRecord(b))).toList();
        }
        for (Path file : stale) {
            Files.deleteIfExists(file);
        }
    }

    private static boolean isRecord(Path file) {
        return file.getFileName().toString().endsWith(RECORD_SUFFIX);
    }

    /** The shard index in a file name {@code shard-NNNNN.*}, or -1 for any other file. */
    private static int shardIndex(Path file) {
        String name = file.getFileName().toString();
        if (!name.startsWith("shard-") || name.length() < 12) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring(6, 11));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
