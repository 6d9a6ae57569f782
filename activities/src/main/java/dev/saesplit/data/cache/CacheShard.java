package dev.saesplit.data.cache;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * One shard: {@code rows} consecutive tokens, as three .npy files of equal length — activations
 * (float32 {@code [rows, d]}), token ids (int32 {@code [rows]}) and positions in context (int32 {@code [rows]}).
 *
 * @param name        shard name, e.g. {@code shard-00003}
 * @param rows        tokens in the shard
 * @param activations the activation matrix
 * @param tokenIds    token id of each row
 * @param positions   position of each row's token in its context
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CacheShard(String name, long rows, CacheFile activations, CacheFile tokenIds, CacheFile positions) {

    /** The three files, activations first. */
    public List<CacheFile> files() {
        return List.of(activations, tokenIds, positions);
    }
}
