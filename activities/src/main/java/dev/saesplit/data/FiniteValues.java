package dev.saesplit.data;

/**
 * Finds NaN and infinities in weights as they are loaded. A single one poisons every activation computed from
 * the tensor, and the run would fail far from the cause, or finish with numbers that mean nothing.
 */
public final class FiniteValues {

    private FiniteValues() {
    }

    /** The index of the first NaN or infinity in {@code values}, or -1 when all are finite. */
    public static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** Why a tensor whose element {@code index} is not finite is refused, e.g. "holds NaN at element 17 of 64". */
    public static String problem(float[] values, int index) {
        return "holds " + values[index] + " at element " + index + " of " + values.length
                + "; weights must be finite numbers";
    }
}
