package dev.saesplit.lm.pth;

import dev.saesplit.sae.safetensors.TensorDtype;
import java.nio.ByteBuffer;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The legacy storage classes ({@code torch.FloatStorage}, ...) that {@code torch.save} names in each storage's
 * persistent id. The unpickler resolves the class name to one of these, which then says how to read one
 * element of that storage as a float.
 */
enum TorchStorageType implements IObjectConstructor {
    FLOAT("FloatStorage", 4) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.getFloat(4 * index);
        }
    },
    DOUBLE("DoubleStorage", 8) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return (float) bytes.getDouble(8 * index);
        }
    },
    HALF("HalfStorage", 2) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return TensorDtype.halfToFloat(bytes.getShort(2 * index));
        }
    },
    BFLOAT16("BFloat16Storage", 2) {
        @Override
        float read(ByteBuffer bytes, int index) {
            // bfloat16 is the upper half of a float32.
            return Float.intBitsToFloat((bytes.getShort(2 * index) & 0xFFFF) << 16);
        }
    },
    LONG("LongStorage", 8) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.getLong(8 * index);
        }
    },
    INT("IntStorage", 4) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.getInt(4 * index);
        }
    },
    BOOL("BoolStorage", 1) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.get(index) != 0 ? 1f : 0f;
        }
    },
    SHORT("ShortStorage", 2) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.getShort(2 * index);
        }
    },
    CHAR("CharStorage", 1) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.get(index);
        }
    },
    BYTE("ByteStorage", 1) {
        @Override
        float read(ByteBuffer bytes, int index) {
            return bytes.get(index) & 0xFF;
        }
    };

    private final String className;
    private final int elementBytes;

    TorchStorageType(String className, int elementBytes) {
        this.className = className;
        this.elementBytes = elementBytes;
    }

    /** The class name after {@code torch.}, as the pickle's GLOBAL opcode spells it. */
    String className() {
        return className;
    }

    int elementBytes() {
        return elementBytes;
    }

    /** Element {@code index} of a storage whose bytes are {@code bytes}, in the archive's byte order. */
    abstract float read(ByteBuffer bytes, int index);

    /** Storage classes appear in the pickle only as references inside persistent ids, never called. */
    @Override
    public Object construct(Object[] args) {
        throw new PickleException("torch." + className + " is only expected inside a storage's persistent id");
    }
}
