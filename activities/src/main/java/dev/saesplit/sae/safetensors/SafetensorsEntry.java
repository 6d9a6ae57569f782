package dev.saesplit.sae.safetensors;

/**
 * One tensor's line in a safetensors header.
 *
 * @param dtype the header's dtype string, e.g. {@code F32}
 * @param begin first byte of the data, relative to the end of the header
 * @param end   one past the last byte
 */
public record SafetensorsEntry(String name, String dtype, long[] shape, long begin, long end) {

    @Override
    public long[] shape() {
        return shape.clone();
    }
}
