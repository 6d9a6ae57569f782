package dev.saesplit.data.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes .npy files byte by byte, independently of the main-code writer, so that the reader is tested against
 * headers the way numpy lays them out (and against the ways they can be wrong).
 */
public final class NpyTestFiles {

    private NpyTestFiles() {
    }

    /** A file with header dictionary {@code dict}, format {@code version} (1 or 2), then {@code data}. */
    public static Path write(Path file, int version, String dict, byte[] data) throws IOException {
        int preamble = version == 1 ? 10 : 12;
        // numpy pads the header with spaces and a newline so the data starts on a 64-byte boundary.
        int unpadded = preamble + dict.length() + 1;
        int headerLength = dict.length() + 1 + (64 - unpadded % 64) % 64;
        ByteBuffer out = ByteBuffer.allocate(preamble + headerLength + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            out.putShort((short) headerLength);
        } else {
            out.putInt(headerLength);
        }
        out.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = dict.length(); i < headerLength - 1; i++) {
            out.put((byte) ' ');
        }
        out.put((byte) '\n');
        out.put(data);
        return Files.write(file, out.array());
    }

    public static String dict(String descr, boolean fortranOrder, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False")
                + ", 'shape': " + shape + ", }";
    }

    /** A float32 {@code [rows, d]} file holding {@code values}. */
    public static Path float32(Path file, int d, float... values) throws IOException {
        return write(file, 1, dict("<f4", false, "(" + values.length / d + ", " + d + ")"), float32Bytes(values));
    }

    public static byte[] float32Bytes(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putFloat(value);
        }
        return bytes.array();
    }

    public static byte[] float16Bytes(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putShort(Float16.fromFloat(value));
        }
        return bytes.array();
    }

    /** Row-major {@code rows × d} values where row r, column c holds {@code r * 1000 + c + offset}. */
    public static float[] indexedRows(int rows, int d, float offset) {
        float[] values = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < d; c++) {
                values[r * d + c] = r * 1000 + c + offset;
            }
        }
        return values;
    }
}
