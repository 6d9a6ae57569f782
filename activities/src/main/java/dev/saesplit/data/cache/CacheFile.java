package dev.saesplit.data.cache;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One file of a shard as the manifest records it.
 *
 * @param file   name within the cache directory
 * @param bytes  file size
 * @param sha256 lowercase hex SHA-256 of the whole file
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CacheFile(String file, long bytes, String sha256) {
}
