package dev.saesplit.evaluate.interpret;

import dev.saesplit.lm.tokens.Tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * A tokenizer over a short fixed vocabulary, so a test knows every id: text is split by greedy longest match, and
 * id 0 is BOS. What the hand-set model of {@link HandSetLanguageModel} reads.
 */
final class WordTokenizer implements Tokenizer {

    static final String BOS = "<bos>";
    static final List<String> VOCABULARY = List.of(BOS, " I", "'m", " a", " multi", "-", "millionaire", " long",
            "standing", " A", " 3", "point", " landing", "\n", "\t");

    static int id(String token) {
        int id = VOCABULARY.indexOf(token);
        if (id < 0) {
            throw new IllegalArgumentException("not in the test vocabulary: " + token);
        }
        return id;
    }

    /** The ids of the given tokens, e.g. {@code ids(BOS, " multi", "-")}. */
    static int[] ids(String... tokens) {
        return Arrays.stream(tokens).mapToInt(WordTokenizer::id).toArray();
    }

    @Override
    public int[] encode(String text) {
        List<Integer> ids = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int best = -1;
            for (int id = 1; id < VOCABULARY.size(); id++) {
                String token = VOCABULARY.get(id);
                if (text.startsWith(token, at) && (best < 0 || token.length() > VOCABULARY.get(best).length())) {
                    best = id;
                }
            }
            if (best < 0) {
                throw new IllegalArgumentException("cannot tokenize '" + text + "' at " + at);
            }
            ids.add(best);
            at += VOCABULARY.get(best).length();
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder();
        for (int id : ids) {
            out.append(VOCABULARY.get(id));
        }
        return out.toString();
    }

    @Override
    public String tokenText(int id) {
        return VOCABULARY.get(id);
    }

    @Override
    public int vocabSize() {
        return VOCABULARY.size();
    }

    @Override
    public OptionalInt bosTokenId() {
        return OptionalInt.of(0);
    }

    @Override
    public String identity() {
        return "test-words";
    }
}
