package dev.saesplit.lm.tokens;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the marked token of a probe prompt (e.g. "-" in "I'm a multi-millionaire"): the prompt is what a user
 * writes, the position is what an evaluation reads activations at.
 */
public final class MarkedTokenLocator {

    private MarkedTokenLocator() {
    }

    /**
     * Index, in {@code tokenizer.encode(prompt)}, of the first token whose text, trimmed, equals
     * {@code markedToken} trimmed. Trimming lets a user write "-" for GPT-2's " -" as well as for "-".
     *
     * @throws MarkedTokenNotFoundException listing the prompt's tokens when none matches
     */
    public static int positionOf(Tokenizer tokenizer, String prompt, String markedToken) {
        int[] ids = tokenizer.encode(prompt);
        String wanted = markedToken.strip();
        List<String> texts = new ArrayList<>(ids.length);
        for (int i = 0; i < ids.length; i++) {
            String text = tokenizer.tokenText(ids[i]);
            if (text.strip().equals(wanted)) {
                return i;
            }
            texts.add(text);
        }
        throw new MarkedTokenNotFoundException(prompt, markedToken, texts);
    }
}
