package dev.saesplit.sae.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * A host tensor as stored in a safetensors file: name, shape, row-major float values. A carrier between the
 * file and the code that uses it; it takes ownership of {@code values}.
 */
public record NamedTensor(String name, long[] shape, float[] values) {

    public NamedTensor {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        long elements = elementCount(shape);
        if (elements != values.length) {
            throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(shape)
                    + " (" + elements + " elements) but " + values.length + " values");
        }
    }

    public static NamedTensor of(String name, float[] values, long... shape) {
        return new NamedTensor(name, shape, values);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }
}
