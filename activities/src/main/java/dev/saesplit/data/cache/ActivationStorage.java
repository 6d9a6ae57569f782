package dev.saesplit.data.cache;

import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.spec.CacheDtype;

/**
 * How each cache dtype lies in a shard's activation file: float32 and float16 as the .npy types of those names;
 * bfloat16, which .npy has no type for, as {@code <u2} holding the bfloat16 bits (numpy:
 * {@code np.load(f).view(ml_dtypes.bfloat16)}; torch: {@code torch.from_numpy(np.load(f).view(np.int16))
 * .view(torch.bfloat16)}). The manifest's {@code dtype} says which.
 */
final class ActivationStorage {

    /** float16 values from here up round to infinity (65504 is the largest half; 65520 is halfway past it). */
    private static final float FLOAT16_OVERFLOW = 65520f;
    /** bfloat16 values from here up round to infinity (halfway past the largest bfloat16, 0x7F7F). */
    private static final float BFLOAT16_OVERFLOW = Float.intBitsToFloat(0x7F7F8000);

    private ActivationStorage() {
    }

    static NpyDtype npyDtype(CacheDtype dtype) {
        return switch (dtype) {
            case FLOAT32 -> NpyDtype.FLOAT32;
            case FLOAT16 -> NpyDtype.FLOAT16;
            case BFLOAT16 -> NpyDtype.UINT16;
        };
    }

    /** The mapped activation file read as {@code dtype}'s values. */
    static MappedNpyArray view(MappedNpyArray file, CacheDtype dtype) {
        return dtype == CacheDtype.BFLOAT16 ? file.asBfloat16() : file;
    }

    /**
     * Index of the first of {@code values[offset, offset + count)} that is finite but would be stored as an
     * infinity, or -1. Non-finite values are left to the readers, which refuse them as they do in float32 caches.
     */
    static int firstOverflow(CacheDtype dtype, float[] values, int offset, int count) {
        float limit = switch (dtype) {
            case FLOAT32 -> Float.POSITIVE_INFINITY;
            case FLOAT16 -> FLOAT16_OVERFLOW;
            case BFLOAT16 -> BFLOAT16_OVERFLOW;
        };
        if (limit == Float.POSITIVE_INFINITY) {
            return -1;
        }
        for (int i = offset; i < offset + count; i++) {
            float magnitude = Math.abs(values[i]);
            if (magnitude >= limit && magnitude != Float.POSITIVE_INFINITY) {
                return i;
            }
        }
        return -1;
    }
}
