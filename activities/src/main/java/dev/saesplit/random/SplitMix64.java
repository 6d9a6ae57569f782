package dev.saesplit.random;

/**
 * The SplitMix64 generator, written out rather than taken from the JDK so that data generated and shuffled
 * from a seed stays bit-identical across Java versions (cached artifacts are keyed by their seed), and so
 * that its whole state is one long: a checkpoint stores it and a resumed run draws exactly the numbers the
 * uninterrupted run would have. Not for cryptography.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** Continues from a state previously returned by {@link #state()}. */
    public static SplitMix64 fromState(long state) {
        return new SplitMix64(state);
    }

    public long state() {
        return state;
    }

    /** The SplitMix64 finaliser: a bijective 64-bit mix with good avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** An independent seed for sub-stream {@code stream} of {@code seed} (an epoch, a block, a round). */
    public static long derive(long seed, long stream) {
        return mix(mix(seed + GOLDEN_GAMMA) ^ mix(stream * GOLDEN_GAMMA + 0x632BE59BD9B4E019L));
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [low, high). */
    public float nextUniform(float low, float high) {
        return (float) (low + (high - low) * nextDouble());
    }

    /** Uniform in [0, bound), unbiased (Lemire's multiply-and-reject). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long product = (nextLong() >>> 32) * bound;
        long low = product & 0xFFFFFFFFL;
        if (low < bound) {
            long threshold = (1L << 32) % bound;
            while (low < threshold) {
                product = (nextLong() >>> 32) * bound;
                low = product & 0xFFFFFFFFL;
            }
        }
        return (int) (product >>> 32);
    }

    /** Standard normal, by Box–Muller (one of the pair; simplicity over speed, it is not on a hot path). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1], so the log is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
