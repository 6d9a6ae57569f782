package dev.saesplit.lm.tokens;

import dev.saesplit.digest.Sha256;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Any {@code tokenizer.json} the Hugging Face {@code tokenizers} library reads (BPE, WordPiece, Unigram), through
 * DJL's binding. Only the local file is read: nothing is fetched from the hub. Holds native memory; close it.
 */
public final class HuggingFaceTokenizer implements Tokenizer {

    private final ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate;
    private final Path file;
    private final TokenizerJsonFacts facts;
    private final String identity;

    private HuggingFaceTokenizer(ai.djl.huggingface.tokenizers.HuggingFaceTokenizer delegate, Path file,
                                 TokenizerJsonFacts facts, String identity) {
        this.delegate = delegate;
        this.file = file;
        this.facts = facts;
        this.identity = identity;
    }

    /** Opens {@code tokenizerJson}, a {@code tokenizer.json} file. */
    public static HuggingFaceTokenizer open(Path tokenizerJson) {
        TokenizerJsonFacts facts = TokenizerJsonFacts.read(tokenizerJson);
        String identity;
        try {
            identity = "huggingface:sha256=" + Sha256.ofFile(tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + tokenizerJson, e);
        }
        // Truncation and padding off: documents are any length, and contexts are cut by the batcher, not here.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false");
        try {
            return new HuggingFaceTokenizer(
                    ai.djl.huggingface.tokenizers.HuggingFaceTokenizer.newInstance(tokenizerJson, options),
                    tokenizerJson, facts, identity);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerFileException(tokenizerJson,
                    "the Hugging Face tokenizers library cannot read it: " + e.getMessage(), e);
        }
    }

    @Override
    public int[] encode(String text) {
        long[] ids;
        try {
            ids = delegate.encode(text, false, false).getIds();
        } catch (RuntimeException e) {
            throw new TokenizerFileException(file, "failed on a text of " + text.length() + " characters: "
                    + e.getMessage(), e);
        }
        int[] narrowed = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            narrowed[i] = (int) ids[i]; // ids come from a vocabulary of fewer than 2^31 entries
        }
        return narrowed;
    }

    @Override
    public String decode(int[] ids) {
        long[] wide = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            wide[i] = ids[i];
        }
        return delegate.decode(wide, false);
    }

    @Override
    public String tokenText(int id) {
        return decode(new int[] {id});
    }

    @Override
    public int vocabSize() {
        return facts.vocabSize();
    }

    @Override
    public OptionalInt bosTokenId() {
        return facts.bosTokenId();
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
