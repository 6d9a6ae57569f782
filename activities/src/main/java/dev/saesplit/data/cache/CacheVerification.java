package dev.saesplit.data.cache;

/** How much an {@link ActivationCacheReader} checks when it opens a cache. */
public enum CacheVerification {
    /** Every shard file present, with the size and shape the manifest records. Cost: a few reads per shard. */
    SHAPES,
    /** Also each file's SHA-256 against the manifest. Cost: reading the whole cache once. */
    CHECKSUMS
}
