package dev.saesplit.sae.safetensors;

import java.nio.ByteBuffer;
import java.util.Optional;

/** The floating-point safetensors dtypes this project reads (all) and writes (F32), widened to float on read. */
public enum TensorDtype {
    F32(4) {
        @Override
        void decode(ByteBuffer src, float[] dst) {
            src.asFloatBuffer().get(dst);
        }
    },
    F16(2) {
        @Override
        void decode(ByteBuffer src, float[] dst) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = halfToFloat(src.getShort(2 * i));
            }
        }
    },
    BF16(2) {
        @Override
        void decode(ByteBuffer src, float[] dst) {
            for (int i = 0; i < dst.length; i++) {
                // bfloat16 is the upper half of a float32.
                dst[i] = Float.intBitsToFloat((src.getShort(2 * i) & 0xFFFF) << 16);
            }
        }
    };

    private final int bytes;

    TensorDtype(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** Decodes {@code dst.length} little-endian elements starting at {@code src}'s position 0. */
    abstract void decode(ByteBuffer src, float[] dst);

    /** The dtype a header names, if it is one this project reads. */
    public static Optional<TensorDtype> fromHeader(String name) {
        for (TensorDtype dtype : values()) {
            if (dtype.name().equals(name)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }

    /** IEEE 754 binary16 to float, subnormals and specials included. */
    public static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            float magnitude = mantissa * 0x1.0p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }
}
