package dev.saesplit.data.npy;

import dev.saesplit.data.ActivationFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a .npy file (format versions 1, 2 and 3): element type, shape, and where the data starts.
 * Parsing accepts only what the readers here can map: little-endian {@link NpyDtype}s in C order.
 *
 * @param dtype      element type
 * @param shape      array shape (rank 0 is a scalar)
 * @param dataOffset byte offset of the first element
 */
public record NpyHeader(NpyDtype dtype, long[] shape, long dataOffset) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers written here are padded to this length so a streaming writer can fill in the shape at the end. */
    static final int WRITTEN_HEADER_BYTES = 128;

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*('([^']*)'|\\[)");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Number of elements the header promises. */
    public long elementCount() {
        long count = 1;
        for (long dimension : shape) {
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    /** Reads and validates the header of {@code file} from {@code channel}. */
    public static NpyHeader read(Path file, FileChannel channel) throws IOException {
        ByteBuffer preamble = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(preamble, 0);
        if (preamble.position() < 10 || !Arrays.equals(Arrays.copyOf(preamble.array(), 6), MAGIC)) {
            throw new ActivationFormatException(file, "not a .npy file (missing the \\x93NUMPY magic)");
        }
        int major = preamble.get(6) & 0xFF;
        long headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = preamble.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            headerLength = preamble.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw new ActivationFormatException(file, "unsupported .npy format version " + major);
        }
        if (headerStart + headerLength > channel.size() || headerLength > Integer.MAX_VALUE) {
            throw new ActivationFormatException(file, "truncated .npy header");
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        channel.read(text, headerStart);
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(file, dict, headerStart + headerLength);
    }

    static NpyHeader parse(Path file, String dict, long dataOffset) {
        Matcher descr = DESCR.matcher(dict);
        if (!descr.find()) {
            throw new ActivationFormatException(file, "header has no 'descr' (dtype): " + dict.strip());
        }
        if (descr.group(2) == null) {
            throw new ActivationFormatException(file, "structured dtypes are not supported");
        }
        String descrText = descr.group(2);
        NpyDtype dtype = NpyDtype.fromDescr(descrText).orElseThrow(() -> new ActivationFormatException(file,
                descrText.startsWith(">")
                        ? "big-endian dtype '" + descrText + "' is not supported; save it little-endian"
                        : "dtype '" + descrText + "' is not supported"));
        Matcher fortran = FORTRAN_ORDER.matcher(dict);
        if (!fortran.find()) {
            throw new ActivationFormatException(file, "header has no 'fortran_order': " + dict.strip());
        }
        if (fortran.group(1).equals("True")) {
            throw new ActivationFormatException(file,
                    "Fortran-order (column-major) arrays are not supported; save it in C order");
        }
        Matcher shape = SHAPE.matcher(dict);
        if (!shape.find()) {
            throw new ActivationFormatException(file, "header has no 'shape': " + dict.strip());
        }
        return new NpyHeader(dtype, parseShape(file, shape.group(1)), dataOffset);
    }

    private static long[] parseShape(Path file, String tuple) {
        return Arrays.stream(tuple.split(","))
                .map(String::strip)
                .filter(part -> !part.isEmpty())
                .mapToLong(part -> {
                    try {
                        // Files written by Python 2 spell dimensions as longs, e.g. "3L".
                        String digits = part.endsWith("L") ? part.substring(0, part.length() - 1) : part;
                        long dimension = Long.parseLong(digits);
                        if (dimension < 0) {
                            throw new NumberFormatException();
                        }
                        return dimension;
                    } catch (NumberFormatException e) {
                        throw new ActivationFormatException(file, "bad shape dimension '" + part + "'");
                    }
                })
                .toArray();
    }

    /** A version-1 header for {@code dtype} and {@code shape}, padded to {@link #WRITTEN_HEADER_BYTES}. */
    static byte[] encode(NpyDtype dtype, long[] shape) {
        StringBuilder dims = new StringBuilder();
        for (long dimension : shape) {
            dims.append(dimension).append(shape.length == 1 ? "," : ", ");
        }
        String tuple = shape.length > 1 ? dims.substring(0, dims.length() - 2) : dims.toString();
        String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': (" + tuple + "), }";
        int padded = WRITTEN_HEADER_BYTES - 10;
        if (dict.length() + 1 > padded) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not fit the header");
        }
        ByteBuffer header = ByteBuffer.allocate(WRITTEN_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) padded);
        header.put(dict.getBytes(StandardCharsets.US_ASCII));
        while (header.position() < WRITTEN_HEADER_BYTES - 1) {
            header.put((byte) ' ');
        }
        header.put((byte) '\n');
        return header.array();
    }
}
