package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The element type a model-activation cache stores ({@code cache_dtype}). Training and evaluation always read
 * float32: half-precision caches halve the disk and the read traffic at the cost of rounding every activation once
 * (docs/tokens.md gives the measured effect on reconstruction).
 */
public enum CacheDtype implements SpecChoice {
    FLOAT32("float32", 4),
    /** IEEE binary16: 11 significant bits, largest finite value 65504. */
    FLOAT16("float16", 2),
    /** The upper half of a float32: float32's range with 8 significant bits. */
    BFLOAT16("bfloat16", 2);

    private final String specName;
    private final int itemBytes;

    CacheDtype(String specName, int itemBytes) {
        this.specName = specName;
        this.itemBytes = itemBytes;
    }

    @JsonValue
    @Override
    public String specName() {
        return specName;
    }

    /** Bytes per stored activation. */
    public int itemBytes() {
        return itemBytes;
    }

    /**
     * Jackson's {@code JsonInclude.CUSTOM} filter for the spec's JSON: {@link #FLOAT32} is left out (filters exclude
     * what they equal), so specs written before the field existed keep their fingerprints.
     */
    public static final class Float32Filter {
        @Override
        public boolean equals(Object other) {
            return other == null || other == FLOAT32;
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
