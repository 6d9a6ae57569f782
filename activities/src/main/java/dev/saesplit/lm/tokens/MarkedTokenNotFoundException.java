package dev.saesplit.lm.tokens;

import dev.saesplit.pipeline.BadInput;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A probe prompt does not tokenize so that one of its tokens is the marked token; the message lists the tokens it
 * does have, so the user can pick one.
 */
public final class MarkedTokenNotFoundException extends RuntimeException implements BadInput {

    public MarkedTokenNotFoundException(String prompt, String markedToken, List<String> tokenTexts) {
        super("probe prompt " + quoted(prompt) + " has no token " + quoted(markedToken) + " under this tokenizer;"
                + " its tokens are " + tokenTexts.stream().map(MarkedTokenNotFoundException::quoted)
                .collect(Collectors.joining(", ", "[", "]")));
    }

    private static String quoted(String text) {
        return '"' + text.replace("\n", "\\n") + '"';
    }
}
