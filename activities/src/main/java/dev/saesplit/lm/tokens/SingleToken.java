package dev.saesplit.lm.tokens;

import java.util.Optional;

/**
 * Whether a text is one token of a tokenizer's vocabulary: it must encode to exactly one token that decodes back to
 * it (a token a cut vocabulary dropped becomes the unknown token, which does not). A token target
 * ({@code target_latent: {token: ...}}) must be one, and is checked here both when a spec is validated and when the
 * filter stage chooses the target.
 */
public final class SingleToken {

    private SingleToken() {
    }

    /** What is wrong with {@code token}, without a field's name; empty when it is one token of {@code tokenizer}. */
    public static Optional<String> problem(Tokenizer tokenizer, String token) {
        return problem(tokenizer, token, tokenizer.encode(token));
    }

    /** The same for {@code ids}, {@code token} as {@code tokenizer} encoded it. */
    public static Optional<String> problem(Tokenizer tokenizer, String token, int[] ids) {
        if (ids.length == 1 && tokenizer.tokenText(ids[0]).equals(token)) {
            return Optional.empty();
        }
        StringBuilder pieces = new StringBuilder();
        for (int id : ids) {
            pieces.append(pieces.isEmpty() ? "" : ", ").append('"').append(tokenizer.tokenText(id)).append('"');
        }
        return Optional.of("\"" + token + "\" is not one token of the model's vocabulary: it encodes as " + ids.length
                + " token(s) [" + pieces + "]");
    }
}
