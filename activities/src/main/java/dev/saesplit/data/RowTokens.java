package dev.saesplit.data;

/**
 * Which token each activation row was read at, for activations cached from a language model.
 *
 * <p>Rows of one context are consecutive and in position order, so a row's context is the run of rows around it
 * that share its {@link #context}. Stages that show evidence (top-activating contexts) read this beside the
 * activations; sources without tokens (synthetic, npy) have none.
 */
public interface RowTokens {

    /** Rows described, the same count as the activations'. */
    long rows();

    /** Vocabulary id of the token at {@code row}. */
    int tokenId(long row);

    /** Index of the context (model input sequence) that {@code row} belongs to, counted from 0. */
    long context(long row);

    /** Position of {@code row} within its context, counted from 0. */
    int position(long row);
}
