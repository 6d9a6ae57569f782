package dev.saesplit.data;

import java.util.Optional;

/**
 * Activations that may know the token behind each row: a cache written from a language model, or activations
 * streamed from one. Stages that show evidence (top contexts, loss recovered, token targets) read the tokens
 * beside the rows.
 */
public interface TokenedActivationSource extends ActivationSource {

    /** The token behind each row, or empty where the activations record none (generated data, format 1 caches). */
    Optional<RowTokens> rowTokens();
}
