package dev.saesplit.pipeline;

/**
 * Where an activity that reads activations row by row stands (the token-target choice, the filter, a row's
 * evaluation): the details of its heartbeats, which {@code run} and {@code status} read from the server
 * (heartbeats, unlike signals, do not grow the workflow's history).
 *
 * @param phase       what it does now, in words ({@code ""} while it reads rows)
 * @param rowsRead    rows read so far, over every pass: an evaluation reads its rows several times
 * @param rowsPerPass rows one pass reads; 0 outside a pass (then {@code phase} says what it does)
 */
public record ScanProgress(String phase, long rowsRead, long rowsPerPass) {

    /** Which pass over the rows is under way, from 1. */
    public long pass() {
        if (rowsPerPass == 0) {
            return 0;
        }
        return rowsRead == 0 ? 1 : (rowsRead - 1) / rowsPerPass + 1;
    }

    /** Rows read in the pass under way (a finished pass counts as full, not as the next one's 0). */
    public long rowsInPass() {
        if (rowsPerPass == 0 || rowsRead == 0) {
            return 0;
        }
        return (rowsRead - 1) % rowsPerPass + 1;
    }
}
