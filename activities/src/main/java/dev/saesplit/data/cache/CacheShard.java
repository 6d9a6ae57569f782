package dev.saesplit.data.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * One shard: {@code rows} consecutive tokens, as .npy files of equal length — activations
 * (float32 {@code [rows, d]}), token ids (int32 {@code [rows]}), positions in context (int32 {@code [rows]}) and,
 * in caches made from a language model (format 2), context indices (int64 {@code [rows]}).
 *
 * @param name        shard name, e.g. {@code shard-00003}
 * @param rows        tokens in the shard
 * @param activations the activation matrix
 * @param tokenIds    token id of each row
 * @param positions   position of each row's token in its context
 * @param contexts    index of each row's context in the cache, or {@code null} where none is recorded (format 1
 *                    caches, and generated data)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheShard(String name, long rows, CacheFile activations, CacheFile tokenIds, CacheFile positions,
                         CacheFile contexts) {

    /** The files, activations first. */
    public List<CacheFile> files() {
        return contexts == null ? List.of(activations, tokenIds, positions)
                : List.of(activations, tokenIds, positions, contexts);
    }
}
