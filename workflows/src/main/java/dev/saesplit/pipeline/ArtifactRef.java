package dev.saesplit.pipeline;

/**
 * A reference to an activity's output in the artifact store: what workflows pass around instead of data.
 *
 * @param kind        what it is ({@code activations}, {@code sae}, {@code filtered}, ...)
 * @param key         the content key: a hash of everything that determined the output
 * @param uri         where it lives ({@code file:} URI of a directory)
 * @param contentHash hash of the stored bytes, checked before reuse
 */
public record ArtifactRef(String kind, String key, String uri, String contentHash) {
}
