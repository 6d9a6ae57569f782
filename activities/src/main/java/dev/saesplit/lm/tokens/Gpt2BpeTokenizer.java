package dev.saesplit.lm.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * GPT-2's byte-level BPE (tiktoken's r50k_base, the vocabulary of GPT-2 and of gelu-1l), built into the jtokkit
 * jar, so it needs no file. Thread-safe: the encoding holds no per-call state.
 */
public final class Gpt2BpeTokenizer implements Tokenizer {

    public static final int END_OF_TEXT = 50256;
    private static final String END_OF_TEXT_TEXT = "<|endoftext|>";
    private static final int VOCAB_SIZE = 50257;

    private final Encoding encoding = R50k.ENCODING;

    /** Loaded once, on first use: parsing the vocabulary costs a noticeable fraction of a second. */
    private static final class R50k {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }

    /**
     * {@inheritDoc} A literal {@code <|endoftext|>} becomes id 50256, as Hugging Face's GPT-2 tokenizer (which
     * TransformerLens uses) encodes it; jtokkit alone would either refuse it or spell it out in pieces.
     */
    @Override
    public int[] encode(String text) {
        Objects.requireNonNull(text, "text");
        IntArrayList ids = new IntArrayList();
        int from = 0;
        while (true) {
            int marker = text.indexOf(END_OF_TEXT_TEXT, from);
            String piece = text.substring(from, marker < 0 ? text.length() : marker);
            if (!piece.isEmpty()) {
                IntArrayList pieceIds = encoding.encodeOrdinary(piece);
                for (int i = 0; i < pieceIds.size(); i++) {
                    ids.add(pieceIds.get(i));
                }
            }
            if (marker < 0) {
                return ids.toArray();
            }
            ids.add(END_OF_TEXT);
            from = marker + END_OF_TEXT_TEXT.length();
        }
    }

    @Override
    public String decode(int[] ids) {
        return encoding.decode(listOf(ids));
    }

    /** {@inheritDoc} A token holding part of a multi-byte character shows as U+FFFD. */
    @Override
    public String tokenText(int id) {
        return new String(encoding.decodeBytes(listOf(new int[] {id})), StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public OptionalInt bosTokenId() {
        // GPT-2 has one special token and uses it for BOS, EOS and document separation alike.
        return OptionalInt.of(END_OF_TEXT);
    }

    @Override
    public String identity() {
        return "gpt2:" + encoding.getName();
    }

    private IntArrayList listOf(int[] ids) {
        IntArrayList list = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token id " + id + " is outside GPT-2's vocabulary of "
                        + VOCAB_SIZE);
            }
            list.add(id);
        }
        return list;
    }
}
