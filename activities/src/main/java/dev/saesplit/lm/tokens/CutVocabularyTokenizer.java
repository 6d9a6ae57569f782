package dev.saesplit.lm.tokens;

import java.util.OptionalInt;

/**
 * GPT-2's byte-level BPE followed by a {@link CutVocabulary}: the tokenizer of a model trained here. Tokens the cut
 * dropped encode as the unknown token and decode as {@code <unk>}. Thread-safe, as the GPT-2 tokenizer is.
 */
public final class CutVocabularyTokenizer implements Tokenizer {

    private final Gpt2BpeTokenizer gpt2 = new Gpt2BpeTokenizer();
    private final CutVocabulary vocabulary;

    public CutVocabularyTokenizer(CutVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    public CutVocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public int[] encode(String text) {
        return vocabulary.cutInPlace(gpt2.encode(text));
    }

    /** {@inheritDoc} Runs of known tokens are decoded together, so characters split across tokens come out whole. */
    @Override
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder();
        int[] run = new int[ids.length];
        int length = 0;
        for (int id : ids) {
            checkId(id);
            if (id == CutVocabulary.UNKNOWN) {
                text.append(gpt2.decode(java.util.Arrays.copyOf(run, length))).append(CutVocabulary.UNKNOWN_TEXT);
                length = 0;
            } else {
                run[length++] = vocabulary.gpt2Id(id);
            }
        }
        return text.append(gpt2.decode(java.util.Arrays.copyOf(run, length))).toString();
    }

    @Override
    public String tokenText(int id) {
        checkId(id);
        return id == CutVocabulary.UNKNOWN ? CutVocabulary.UNKNOWN_TEXT : gpt2.tokenText(vocabulary.gpt2Id(id));
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public OptionalInt bosTokenId() {
        return OptionalInt.of(CutVocabulary.BOS);
    }

    @Override
    public String identity() {
        return vocabulary.identity();
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the cut vocabulary of "
                    + vocabulary.size());
        }
    }
}
