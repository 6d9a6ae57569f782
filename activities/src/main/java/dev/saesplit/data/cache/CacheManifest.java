package dev.saesplit.data.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import dev.saesplit.spec.CacheDtype;
import dev.saesplit.spec.SpecChoice;

import java.util.List;
import java.util.Optional;

/**
 * {@code manifest.json} of an activation cache: what the activations are, and every shard with its row count
 * and checksums. Written last, so a directory without one is an unfinished cache.
 *
 * @param formatVersion layout version of the cache: 2 may record each row's context; 1 (still read) never does
 * @param model         model the activations come from
 * @param hook          hook point within the model
 * @param dtype         element type of the activation files: {@code float32} (every cache written before
 *                      half-precision caches existed), {@code float16}, or {@code bfloat16} (stored as {@code <u2}
 *                      .npy files holding the bfloat16 bits, since .npy has no bfloat16 type)
 * @param dIn           activation width
 * @param totalTokens   rows over all shards
 * @param shards        the shards, in row order
 * @param modelLoading  how the language model was loaded (absent in caches of other sources, and in caches
 *                      written before it was recorded)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CacheManifest(int formatVersion, String model, String hook, String dtype, int dIn, long totalTokens,
                            List<CacheShard> shards,
                            @JsonInclude(JsonInclude.Include.NON_NULL) ModelProvenance modelLoading) {

    public static final String FILE_NAME = "manifest.json";
    public static final int FORMAT_VERSION = 2;
    /** The oldest layout still read: version 1 differs only in never recording contexts. */
    public static final int OLDEST_READABLE_VERSION = 1;

    public CacheManifest {
        shards = shards == null ? List.of() : List.copyOf(shards);
    }

    /** The element type {@link #dtype} names, or empty for a name this version does not know. */
    public Optional<CacheDtype> elementType() {
        return SpecChoice.parse(CacheDtype.class, dtype);
    }

    public CacheDescription description() {
        return new CacheDescription(model, hook, dIn, modelLoading, elementType().orElseThrow(
                () -> new IllegalStateException("unknown cache dtype '" + dtype + "'")));
    }
}
