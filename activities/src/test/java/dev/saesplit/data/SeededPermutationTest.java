package dev.saesplit.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeededPermutationTest {

    @Test
    void everySizeIsABijectionWhoseInverseUndoesIt() {
        for (long size : new long[] {1, 2, 3, 5, 16, 17, 1000, 4099}) {
            SeededPermutation permutation = new SeededPermutation(size, 42);
            boolean[] seen = new boolean[(int) size];
            for (long position = 0; position < size; position++) {
                long index = permutation.apply(position);
                assertTrue(index >= 0 && index < size, "index in range");
                assertTrue(!seen[(int) index], "index " + index + " appears twice for size " + size);
                seen[(int) index] = true;
                assertEquals(position, permutation.inverse(index));
            }
        }
    }

    @Test
    void differentSeedsGiveDifferentOrders() {
        SeededPermutation a = new SeededPermutation(1000, 1);
        SeededPermutation b = new SeededPermutation(1000, 2);
        int same = 0;
        for (long p = 0; p < 1000; p++) {
            same += a.apply(p) == b.apply(p) ? 1 : 0;
        }
        assertNotEquals(1000, same);
        assertTrue(same < 20, "orders share " + same + " of 1000 places");
    }

    @Test
    void hugeSizesNeedNoMemoryPerIndex() {
        SeededPermutation permutation = new SeededPermutation(3_000_000_000_000L, 7);
        for (long position : new long[] {0, 1, 123_456_789_012L, 2_999_999_999_999L}) {
            long index = permutation.apply(position);
            assertTrue(index >= 0 && index < 3_000_000_000_000L);
            assertEquals(position, permutation.inverse(index));
        }
    }
}
