package dev.saesplit.lm.train;

import dev.saesplit.lm.dataset.CorpusException;

/**
 * The held-out contexts a held-out loss is measured on: at most {@code limit}, spread evenly over the held-out
 * stream so every held-out document can contribute, the same ones at every evaluation.
 *
 * @param tokens   {@code [contexts, nCtx]} row-major
 * @param contexts how many
 * @param nCtx     tokens per context
 */
record HeldOutSample(long[] tokens, int contexts, int nCtx) {

    static HeldOutSample of(TokenContexts heldOut, int limit) {
        int contexts = Math.min(limit, heldOut.count());
        if (contexts < 1) {
            throw new CorpusException("held_out", "the held-out documents hold fewer than one context of "
                    + heldOut.nCtx() + " tokens; hold out more, or use a shorter n_ctx");
        }
        long[] tokens = new long[contexts * heldOut.nCtx()];
        for (int i = 0; i < contexts; i++) {
            heldOut.copy((int) ((long) i * heldOut.count() / contexts), tokens, i * heldOut.nCtx());
        }
        return new HeldOutSample(tokens, contexts, heldOut.nCtx());
    }
}
