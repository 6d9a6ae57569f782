package dev.saesplit.data.npy;

import java.util.Optional;

/** The little-endian .npy element types this project reads and writes. */
public enum NpyDtype {
    FLOAT32("<f4", 4, "float32"),
    FLOAT16("<f2", 2, "float16"),
    INT32("<i4", 4, "int32"),
    INT64("<i8", 8, "int64"),
    /** Token ids of vocabularies under 65 536 (GPT-2's included) are often stored this way to halve the size. */
    UINT16("<u2", 2, "uint16");

    private final String descr;
    private final int itemBytes;
    private final String label;

    NpyDtype(String descr, int itemBytes, String label) {
        this.descr = descr;
        this.itemBytes = itemBytes;
        this.label = label;
    }

    /** The header's {@code descr} string, e.g. {@code <f4}. */
    public String descr() {
        return descr;
    }

    public int itemBytes() {
        return itemBytes;
    }

    /** The numpy name, e.g. {@code float32}. */
    public String label() {
        return label;
    }

    public static Optional<NpyDtype> fromDescr(String descr) {
        for (NpyDtype dtype : values()) {
            if (dtype.descr.equals(descr)) {
                return Optional.of(dtype);
            }
        }
        return Optional.empty();
    }
}
