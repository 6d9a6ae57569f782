package dev.saesplit.pipeline;

/**
 * Where an activation-caching activity stands: the details of its heartbeats, which {@code saesplit run} reads
 * from the server to draw its bar (heartbeats, unlike signals, do not grow the workflow's history).
 *
 * @param tokensCached tokens whose activations are written, resumed shards included
 * @param totalTokens  tokens the cache will hold
 */
public record CachingProgress(long tokensCached, long totalTokens) {
}
