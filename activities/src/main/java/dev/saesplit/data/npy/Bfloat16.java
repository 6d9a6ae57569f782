package dev.saesplit.data.npy;

/**
 * bfloat16 conversions: the upper 16 bits of an IEEE float32 (float32's exponent, 7 stored mantissa bits), as
 * {@code torch.bfloat16} and {@code ml_dtypes.bfloat16} store them.
 */
public final class Bfloat16 {

    private Bfloat16() {
    }

    /** The float32 value of bfloat16 bits {@code bits}; exact. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * bfloat16 bits nearest to {@code value}: round half to even, overflow to infinity, NaN kept NaN (quiet), as
     * {@code torch.tensor(x).to(torch.bfloat16)} and ml_dtypes round.
     */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((f >>> 16) | 0x0040);
        }
        int rounded = f + 0x7FFF + ((f >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
