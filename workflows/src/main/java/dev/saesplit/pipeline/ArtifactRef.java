package dev.saesplit.pipeline;

/**
 * A reference to an activity's output in the artifact store: what workflows pass around instead of data.
 *
 * @param kind        what it is ({@code activations}, {@code sae}, {@code filtered}, ...)
 * @param key         the content key: a hash of everything that determined the output
 * @param uri         where it lives ({@code file:} URI of a directory)
 * @param contentHash SHA-256 of the stored files' paths and bytes, taken when the output was recorded. Reuse does
 *                    not rehash the bytes: a local output is checked against a cheap fingerprint (paths, sizes,
 *                    small files), a shared one by its manifest naming this hash; a shared output's local copy
 *                    is checked against it when downloaded, and {@code saesplit verify} recomputes it
 */
public record ArtifactRef(String kind, String key, String uri, String contentHash) {
}
