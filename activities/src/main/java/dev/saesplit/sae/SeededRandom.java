package dev.saesplit.sae;

/**
 * SplitMix64: a small generator whose whole state is one long, so a checkpoint can store it and a resumed
 * run draws exactly the numbers the uninterrupted run would have. Not for cryptography.
 */
public final class SeededRandom {

    private long state;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** Continues from a state previously returned by {@link #state()}. */
    public static SeededRandom fromState(long state) {
        return new SeededRandom(state);
    }

    public long state() {
        return state;
    }

    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [low, high). */
    public float nextUniform(float low, float high) {
        return (float) (low + (high - low) * nextDouble());
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, was " + bound);
        }
        return (int) ((nextLong() >>> 33) % bound);
    }

    /** A standard normal draw (Box–Muller; one of the pair is discarded to keep the state a single long). */
    public double nextGaussian() {
        double u = 1.0 - nextDouble();
        double v = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }
}
