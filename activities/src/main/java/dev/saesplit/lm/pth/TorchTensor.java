package dev.saesplit.lm.pth;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a view of a storage with an element offset,
 * a size and a stride per dimension. Views need not be contiguous (a transpose, a slice with a step), and
 * several tensors may share one storage.
 */
record TorchTensor(TorchStorage storage, long offset, long[] size, long[] stride) {

    TorchTensor {
        if (size.length != stride.length) {
            throw new IllegalArgumentException("size " + text(size) + " and stride "
                    + text(stride) + " differ in rank");
        }
        size = size.clone();
        stride = stride.clone();
    }

    @Override
    public long[] size() {
        return size.clone();
    }

    long elements() {
        long count = 1;
        for (long dim : size) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }

    /**
     * What is wrong with this view as a pickle describes it, or null: negative sizes, strides or offset, or an
     * element count or extent beyond a {@code long}. A hostile file can state any of these; {@link #elements()}
     * and {@link #extent()} may be called only on a view that has none.
     */
    String viewProblem() {
        if (offset < 0 || Arrays.stream(size).anyMatch(d -> d < 0) || Arrays.stream(stride).anyMatch(d -> d < 0)) {
            return "its view has a negative offset, size or stride (offset " + offset + ", size "
                    + text(size) + ", stride " + text(stride) + ")";
        }
        try {
            if (elements() > 0) {
                long last = offset;
                for (int d = 0; d < size.length; d++) {
                    last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
                }
                Math.addExact(last, 1);
            }
            return null;
        } catch (ArithmeticException e) {
            return "its view (size " + text(size) + ", stride " + text(stride)
                    + ") spans more elements than any file can hold";
        }
    }

    /** The storage element furthest into the storage this view touches, plus one; 0 for an empty view. */
    long extent() {
        if (elements() == 0) {
            return 0;
        }
        long last = offset;
        for (int d = 0; d < size.length; d++) {
            last += (size[d] - 1) * stride[d];
        }
        return last + 1;
    }

    /** Whether the view is row-major with no gaps, so its elements are consecutive in the storage. */
    boolean isContiguous() {
        long expected = 1;
        for (int d = size.length - 1; d >= 0; d--) {
            if (size[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= size[d];
        }
        return true;
    }

    /** The view's values in row-major order, gathered through its strides from the storage's bytes. */
    float[] gather(ByteBuffer storageBytes) {
        int count = Math.toIntExact(elements());
        float[] values = new float[count];
        if (storage.type() == TorchStorageType.FLOAT && isContiguous()) {
            // The common case (a float32 state dict) in one bulk copy instead of one read per element.
            storageBytes.slice(Math.toIntExact(4 * offset), 4 * count).order(storageBytes.order())
                    .asFloatBuffer().get(values);
            return values;
        }
        int rank = size.length;
        long[] index = new long[rank];
        long position = offset;
        for (int i = 0; i < count; i++) {
            values[i] = storage.type().read(storageBytes, Math.toIntExact(position));
            // Advance the row-major counter; a dimension that wraps rewinds its stride and carries.
            for (int d = rank - 1; d >= 0; d--) {
                index[d]++;
                position += stride[d];
                if (index[d] < size[d]) {
                    break;
                }
                position -= size[d] * stride[d];
                index[d] = 0;
            }
        }
        return values;
    }

    /** A size or stride for a message, clipped: a hostile pickle may give a tensor a million dimensions. */
    private static String text(long[] dims) {
        return PickleText.clip(Arrays.toString(dims));
    }
}
