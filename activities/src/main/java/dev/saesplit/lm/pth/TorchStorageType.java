package dev.saesplit.lm.pth;

import dev.saesplit.data.npy.Bfloat16;
import dev.saesplit.data.npy.Float16;
import java.nio.ByteBuffer;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;

/**
 * The legacy storage classes ({@code torch.FloatStorage}, ...) that {@code torch.save} names in each storage's
 * persistent id. The unpickler resolves the class name to one of these, which then says how to read one
 * element of that storage as a float.
 */
enum TorchStorageType implements IObjectConstructor {
    FLOAT("FloatStorage", 4, ByteBuffer::getFloat),
    DOUBLE("DoubleStorage", 8, (bytes, at) -> (float) bytes.getDouble(at)),
    HALF("HalfStorage", 2, (bytes, at) -> Float16.toFloat(bytes.getShort(at))),
    BFLOAT16("BFloat16Storage", 2, (bytes, at) -> Bfloat16.toFloat(bytes.getShort(at))),
    LONG("LongStorage", 8, (bytes, at) -> bytes.getLong(at)),
    INT("IntStorage", 4, (bytes, at) -> bytes.getInt(at)),
    BOOL("BoolStorage", 1, (bytes, at) -> bytes.get(at) != 0 ? 1f : 0f),
    SHORT("ShortStorage", 2, (bytes, at) -> bytes.getShort(at)),
    CHAR("CharStorage", 1, (bytes, at) -> bytes.get(at)),
    BYTE("ByteStorage", 1, (bytes, at) -> bytes.get(at) & 0xFF);

    /** One element at byte offset {@code at}, widened to float. */
    @FunctionalInterface
    private interface ElementReader {
        float read(ByteBuffer bytes, int at);
    }

    private final String className;
    private final int elementBytes;
    private final ElementReader element;

    TorchStorageType(String className, int elementBytes, ElementReader element) {
        this.className = className;
        this.elementBytes = elementBytes;
        this.element = element;
    }

    /** The class name after {@code torch.}, as the pickle's GLOBAL opcode spells it. */
    String className() {
        return className;
    }

    int elementBytes() {
        return elementBytes;
    }

    /** Element {@code index} of a storage whose bytes are {@code bytes}, in the archive's byte order. */
    float read(ByteBuffer bytes, int index) {
        return element.read(bytes, elementBytes * index);
    }

    /** Storage classes appear in the pickle only as references inside persistent ids, never called. */
    @Override
    public Object construct(Object[] args) {
        throw new PickleException("torch." + className + " is only expected inside a storage's persistent id");
    }
}
