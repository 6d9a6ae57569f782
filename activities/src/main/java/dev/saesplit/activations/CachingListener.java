package dev.saesplit.activations;

/** Hears a model-activation cache being written: progress for heartbeats, and a chance to stop between batches. */
public interface CachingListener {

    CachingListener NONE = new CachingListener() {
    };

    /** After each forward batch is written; throwing stops caching (the shards finished so far are kept). */
    default void batchWritten(long tokensCached, long totalTokens) {
    }

    /** After shard {@code index} is complete and recorded, so a later attempt resumes after it. */
    default void shardRecorded(int index, long tokensCached) {
    }
}
