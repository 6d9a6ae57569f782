package dev.saesplit.data.npy;

import dev.saesplit.data.ActivationFormatException;

import java.io.IOException;
import java.math.BigInteger;
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
    /**
     * numpy writes headers of a few hundred bytes and by default refuses to read any over 10000; a header
     * that claims gigabytes is hostile, and reading it would exhaust memory.
     */
    static final int MAX_HEADER_BYTES = 1 << 16;
    private static final BigInteger MAX_BYTES = BigInteger.valueOf(Long.MAX_VALUE);

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*('([^']*)'|\\[)");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** A dimension as numpy writes it; Python 2 wrote longs with an {@code L} suffix ({@code 3L}). */
    private static final Pattern DIMENSION = Pattern.compile("([0-9]{1,30})L?");

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
        if (headerLength > MAX_HEADER_BYTES) {
            throw new ActivationFormatException(file, "declares a header of " + headerLength + " bytes; .npy "
                    + "headers are at most " + MAX_HEADER_BYTES + " here (numpy writes a few hundred)");
        }
        if (headerStart + headerLength > channel.size()) {
            throw new ActivationFormatException(file, "truncated .npy header");
        }
        ByteBuffer text = ByteBuffer.allocate((int) headerLength);
        while (text.hasRemaining()) {
            if (channel.read(text, headerStart + text.position()) < 0) {
                throw new ActivationFormatException(file, "truncated .npy header");
            }
        }
        String dict = new String(text.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return parse(file, dict, headerStart + headerLength);
    }

    /**
     * Bytes the data needs, exactly: a hostile shape's product can exceed any {@code long}, and a header
     * is only accepted when it does not, so {@link #elementCount()} and the readers' sizes cannot overflow.
     */
    private BigInteger dataBytes() {
        BigInteger bytes = BigInteger.valueOf(dtype.itemBytes());
        for (long dimension : shape) {
            bytes = bytes.multiply(BigInteger.valueOf(dimension));
        }
        return bytes;
    }

    /** The header is not quoted: it may be 64 KiB of anything, and none of it was understood. */
    private static ActivationFormatException missing(Path file, String key, String dict) {
        return new ActivationFormatException(file, "header has no " + key + " (its " + dict.length()
                + " characters are not shown)");
    }

    static NpyHeader parse(Path file, String dict, long dataOffset) {
        Matcher descr = DESCR.matcher(dict);
        if (!descr.find()) {
            throw missing(file, "'descr' (dtype)", dict);
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
            throw missing(file, "'fortran_order'", dict);
        }
        if (fortran.group(1).equals("True")) {
            throw new ActivationFormatException(file,
                    "Fortran-order (column-major) arrays are not supported; save it in C order");
        }
        Matcher shape = SHAPE.matcher(dict);
        if (!shape.find()) {
            throw missing(file, "'shape'", dict);
        }
        NpyHeader header = new NpyHeader(dtype, parseShape(file, shape.group(1)), dataOffset);
        if (header.dataBytes().compareTo(MAX_BYTES) > 0) {
            throw new ActivationFormatException(file, "shape " + Arrays.toString(header.shape) + " of "
                    + dtype.label() + " describes more than 2^63 bytes, more than any file holds");
        }
        return header;
    }

    private static long[] parseShape(Path file, String tuple) {
        return Arrays.stream(tuple.split(","))
                .map(String::strip)
                .filter(part -> !part.isEmpty())
                .mapToLong(part -> {
                    Matcher digits = DIMENSION.matcher(part);
                    BigInteger dimension = digits.matches() ? new BigInteger(digits.group(1)) : null;
                    if (dimension == null || dimension.compareTo(MAX_BYTES) > 0) {
                        throw new ActivationFormatException(file, "bad shape dimension '" + part
                                + "': expected a whole number of at most 2^63 - 1");
                    }
                    return dimension.longValue();
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
