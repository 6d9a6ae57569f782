package dev.saesplit.lm.train;

import dev.saesplit.lm.tokens.CutVocabulary;

import java.util.List;

/**
 * Documents joined into one stream with BOS between them and cut into contexts of {@code nCtx} tokens, each a BOS
 * followed by the next {@code nCtx - 1} tokens of the stream: SAELens's and the model stage's convention
 * ({@code prepend_bos}, BOS between documents), so the model is trained on contexts shaped as it will be run on.
 */
final class TokenContexts {

    private final int[] stream;
    private final int nCtx;

    private TokenContexts(int[] stream, int nCtx) {
        this.stream = stream;
        this.nCtx = nCtx;
    }

    static TokenContexts of(List<int[]> gpt2Documents, CutVocabulary vocabulary, int nCtx) {
        long length = gpt2Documents.stream().mapToLong(d -> d.length + 1L).sum() - 1;
        int[] stream = new int[Math.toIntExact(Math.max(length, 0))];
        int at = 0;
        for (int[] document : gpt2Documents) {
            if (at > 0) {
                stream[at++] = CutVocabulary.BOS;
            }
            for (int id : document) {
                stream[at++] = vocabulary.cutId(id);
            }
        }
        return new TokenContexts(stream, nCtx);
    }

    /** Whole contexts the stream holds. */
    int count() {
        return stream.length / (nCtx - 1);
    }

    int nCtx() {
        return nCtx;
    }

    /** Writes context {@code index} into {@code into} from {@code offset}. */
    void copy(int index, long[] into, int offset) {
        into[offset] = CutVocabulary.BOS;
        int from = index * (nCtx - 1);
        for (int i = 1; i < nCtx; i++) {
            into[offset + i] = stream[from + i - 1];
        }
    }

    /** The token stream (cut ids, BOS between documents), for n-gram baselines; shared, not copied. */
    int[] stream() {
        return stream;
    }
}
