package dev.saesplit.sae.safetensors;

import dev.saesplit.data.npy.Bfloat16;
import dev.saesplit.data.npy.Float16;
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
                dst[i] = Float16.toFloat(src.getShort(2 * i));
            }
        }
    },
    BF16(2) {
        @Override
        void decode(ByteBuffer src, float[] dst) {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = Bfloat16.toFloat(src.getShort(2 * i));
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
}
