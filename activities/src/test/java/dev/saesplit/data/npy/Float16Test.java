package dev.saesplit.data.npy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Float16Test {

    @Test
    void decodesNormalSubnormalAndSpecialValues() {
        assertEquals(1.0f, Float16.toFloat((short) 0x3C00));
        assertEquals(-2.0f, Float16.toFloat((short) 0xC000));
        assertEquals(65504f, Float16.toFloat((short) 0x7BFF));
        assertEquals(0x1.0p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(-0.0f, Float16.toFloat((short) 0x8000));
        assertEquals(Float.POSITIVE_INFINITY, Float16.toFloat((short) 0x7C00));
        assertTrue(Float.isNaN(Float16.toFloat((short) 0x7E00)));
    }

    @Test
    void encodesByRoundingToNearestEven() {
        assertEquals((short) 0x3C00, Float16.fromFloat(1.0f));
        assertEquals((short) 0x3C00, Float16.fromFloat(1.0f + 0x1.0p-11f)); // tie: stays on even 1.0
        assertEquals((short) 0x3C02, Float16.fromFloat(1.0f + 3 * 0x1.0p-11f)); // tie: rounds up to even
        assertEquals((short) 0x7C00, Float16.fromFloat(70000f));
        assertEquals((short) 0x0001, Float16.fromFloat(0x1.0p-24f));
        assertEquals((short) 0x0000, Float16.fromFloat(0x1.0p-26f));
    }

    @Test
    void everyHalfSurvivesARoundTripThroughFloat() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float value = Float16.toFloat((short) bits);
            if (!Float.isNaN(value)) {
                assertEquals((short) bits, Float16.fromFloat(value), "bits " + Integer.toHexString(bits));
            }
        }
    }
}
