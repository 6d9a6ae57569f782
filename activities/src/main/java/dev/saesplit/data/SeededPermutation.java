package dev.saesplit.data;

import dev.saesplit.random.SplitMix64;
/**
 * A pseudo-random bijection of {@code [0, n)} computed one index at a time, in O(1) memory for any {@code n}:
 * a balanced Feistel network over the smallest even power of two ≥ n, restricted to {@code [0, n)} by cycle
 * walking (re-applying until the value lands in range, which preserves bijectivity; expected under 4 steps).
 * Invertible, which lets a stream find where a given index falls in the order.
 */
public final class SeededPermutation {

    private static final int ROUNDS = 6;
    /** Keeps the Feistel domain within 62 bits, so that values stay non-negative longs. */
    private static final long MAX_SIZE = 1L << 62;

    private final long size;
    private final int halfBits;
    private final long halfMask;
    private final long[] roundKeys = new long[ROUNDS];

    public SeededPermutation(long size, long seed) {
        if (size <= 0) {
            throw new IllegalArgumentException("permutation size must be positive, got " + size);
        }
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("permutation size " + size + " exceeds " + MAX_SIZE);
        }
        this.size = size;
        int bits = 64 - Long.numberOfLeadingZeros(size - 1); // bits needed for size - 1
        this.halfBits = Math.max(1, (bits + 1) / 2);
        this.halfMask = (1L << halfBits) - 1;
        for (int round = 0; round < ROUNDS; round++) {
            roundKeys[round] = SplitMix64.derive(seed, round);
        }
    }

    public long size() {
        return size;
    }

    /** The index placed at position {@code position}. */
    public long apply(long position) {
        checkInRange(position);
        long value = position;
        do {
            value = encrypt(value);
        } while (value >= size);
        return value;
    }

    /** The position of {@code index}: {@code inverse(apply(p)) == p}. */
    public long inverse(long index) {
        checkInRange(index);
        long value = index;
        do {
            value = decrypt(value);
        } while (value >= size);
        return value;
    }

    private long encrypt(long value) {
        long left = value >>> halfBits;
        long right = value & halfMask;
        for (int round = 0; round < ROUNDS; round++) {
            long next = left ^ (SplitMix64.mix(right ^ roundKeys[round]) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }

    private long decrypt(long value) {
        long left = value >>> halfBits;
        long right = value & halfMask;
        for (int round = ROUNDS - 1; round >= 0; round--) {
            long previous = right ^ (SplitMix64.mix(left ^ roundKeys[round]) & halfMask);
            right = left;
            left = previous;
        }
        return (left << halfBits) | right;
    }

    private void checkInRange(long value) {
        if (value < 0 || value >= size) {
            throw new IndexOutOfBoundsException("index " + value + " outside [0, " + size + ")");
        }
    }
}
