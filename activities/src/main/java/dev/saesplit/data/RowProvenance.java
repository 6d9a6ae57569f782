package dev.saesplit.data;

/**
 * A source that can say where a row comes from, so that errors about a row (a NaN, say) name the file and the
 * row within it rather than a global index nobody can look up.
 */
public interface RowProvenance {

    /** A short human-readable location, e.g. {@code shard-00003.activations.npy row 17}. */
    String describeRow(long row);

    /** The location of {@code row} in {@code source}, or just its index where the source cannot say more. */
    static String describe(ActivationSource source, long row) {
        return source instanceof RowProvenance provenance ? provenance.describeRow(row) : "row " + row;
    }
}
