package dev.saesplit.sae;

/**
 * One float buffer per thread, grown on demand and kept between calls, for kernels that read a large array a row
 * at a time in parallel without allocating a row per call.
 */
public final class ThreadScratch {

    private final ThreadLocal<float[]> buffers = ThreadLocal.withInitial(() -> new float[0]);

    /** This thread's buffer, at least {@code size} floats long; its contents are whatever the last use left. */
    public float[] get(int size) {
        float[] buffer = buffers.get();
        if (buffer.length < size) {
            buffer = new float[size];
            buffers.set(buffer);
        }
        return buffer;
    }
}
