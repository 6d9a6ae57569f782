package dev.saesplit.lm.tokens;

import java.util.OptionalInt;

/**
 * Text to token ids and back, for one vocabulary. Implementations add no special tokens when encoding: where a
 * BOS goes is the context batcher's decision, as it is SAELens's. Closing releases native memory where an
 * implementation holds some; the others do nothing.
 */
public interface Tokenizer extends AutoCloseable {

    /** The ids of {@code text}, without special tokens. */
    int[] encode(String text);

    /** The text of {@code ids}, special tokens included. */
    String decode(int[] ids);

    /**
     * Token {@code id} as a reader would want to see it when it is highlighted in context: the decoded text,
     * leading space kept (GPT-2's "Ġmulti" is " multi").
     */
    String tokenText(int id);

    /** Number of ids, special tokens included: every id is below it. */
    int vocabSize();

    /** The beginning-of-sequence token, where the vocabulary declares one. */
    OptionalInt bosTokenId();

    /** Stable across runs and machines, for content keys: the kind and a hash of what defines the vocabulary. */
    String identity();

    @Override
    default void close() {
    }
}
