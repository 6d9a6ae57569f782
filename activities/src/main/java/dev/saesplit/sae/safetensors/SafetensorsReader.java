package dev.saesplit.sae.safetensors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;
import java.io.IOException;
import java.math.BigInteger;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads safetensors files written by this project or by the Python ecosystem. Every structural problem
 * (short file, bad header, offsets outside the data, an unreadable dtype) becomes an
 * {@link ArtifactCorruptException} naming the file and the tensor.
 */
public final class SafetensorsReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, SafetensorsEntry> entries;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, SafetensorsEntry> entries) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
    }

    /** Opens {@code file} and validates its header against the file's size. */
    public static SafetensorsReader open(Path file) {
        FileChannel channel;
        try {
            // Opening a pipe blocks until someone writes to it; a device never ends.
            RegularFiles.requireRegular(file);
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ArtifactCorruptException(file, "file", "does not exist", e);
        } catch (UnreadableFileException e) {
            throw new ArtifactCorruptException(file, "file", e.problem(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new ArtifactCorruptException(file, "header", "file is " + size
                        + " bytes, shorter than the 8-byte header length (truncated?)");
            }
            ByteBuffer lengthBytes = readAt(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw new ArtifactCorruptException(file, "header", "declared header length " + headerLength
                        + " does not fit a file of " + size + " bytes (truncated or not safetensors?)");
            }
            ByteBuffer headerBytes = readAt(channel, 8, (int) headerLength);
            Map<String, SafetensorsEntry> entries = parseHeader(file, headerBytes, size - 8 - headerLength);
            return new SafetensorsReader(file, channel, 8 + headerLength, entries);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** Reads every tensor of {@code file}. */
    public static Map<String, NamedTensor> readAll(Path file) {
        try (SafetensorsReader reader = open(file)) {
            Map<String, NamedTensor> tensors = new LinkedHashMap<>();
            for (String name : reader.entries.keySet()) {
                tensors.put(name, reader.read(name));
            }
            return tensors;
        }
    }

    public Path file() {
        return file;
    }

    /** The header's tensors, in header order. */
    public Map<String, SafetensorsEntry> entries() {
        return entries;
    }

    /** Reads one tensor, failing if it is absent. */
    public NamedTensor read(String name) {
        SafetensorsEntry entry = checkedEntry(name);
        TensorDtype dtype = TensorDtype.fromHeader(entry.dtype()).orElseThrow();
        long elements = NamedTensor.elementCount(entry.shape());
        long bytes = entry.end() - entry.begin();
        try {
            ByteBuffer data = channel.map(FileChannel.MapMode.READ_ONLY, dataStart + entry.begin(), bytes)
                    .order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[(int) elements];
            dtype.decode(data, values);
            return new NamedTensor(name, entry.shape(), values);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tensor '" + name + "' of " + file, e);
        }
    }

    /**
     * The entry of a tensor {@link #read} could read: present, of a readable dtype, its offsets spanning
     * exactly its shape, small enough for one array. Reads no data.
     */
    public SafetensorsEntry checkedEntry(String name) {
        SafetensorsEntry entry = entries.get(name);
        if (entry == null) {
            throw new ArtifactCorruptException(file, "tensor '" + name + "'",
                    "missing; the file holds " + entries.keySet());
        }
        TensorDtype dtype = TensorDtype.fromHeader(entry.dtype()).orElseThrow(() ->
                new ArtifactCorruptException(file, "tensor '" + name + "'", "has dtype " + entry.dtype()
                        + "; only " + Arrays.toString(TensorDtype.values()) + " can be read"));
        long elements = NamedTensor.elementCount(entry.shape());
        long bytes = entry.end() - entry.begin();
        if (bytes != elements * dtype.bytes()) {
            throw new ArtifactCorruptException(file, "tensor '" + name + "'", "data_offsets span " + bytes
                    + " bytes but shape " + Arrays.toString(entry.shape()) + " of " + dtype + " needs "
                    + elements * dtype.bytes());
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw new ArtifactCorruptException(file, "tensor '" + name + "'", "has " + elements
                    + " elements, more than one array can hold");
        }
        return entry;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static Map<String, SafetensorsEntry> parseHeader(Path file, ByteBuffer headerBytes, long dataBytes) {
        JsonNode root;
        try {
            byte[] raw = new byte[headerBytes.remaining()];
            headerBytes.get(raw);
            root = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new ArtifactCorruptException(file, "header", "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse the header of " + file, e);
        }
        if (root == null || !root.isObject()) {
            throw new ArtifactCorruptException(file, "header", "is not a JSON object");
        }
        Map<String, SafetensorsEntry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (!field.getKey().equals("__metadata__")) {
                entries.put(field.getKey(), parseEntry(file, field.getKey(), field.getValue(), dataBytes));
            }
        }
        return entries;
    }

    /**
     * One tensor's entry, checked with exact arithmetic: every size a whole number within {@code long}, the
     * shape's element count not overflowing, and, for a dtype this reader knows, the offsets spanning exactly
     * the bytes the shape needs.
     */
    private static SafetensorsEntry parseEntry(Path file, String name, JsonNode node, long dataBytes) {
        String item = "tensor '" + name + "'";
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()
                || offsets == null || !offsets.isArray() || offsets.size() != 2) {
            throw new ArtifactCorruptException(file, item, "header entry lacks dtype, shape or data_offsets");
        }
        long[] dims = new long[shape.size()];
        BigInteger elements = BigInteger.ONE;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = wholeNumber(shape.get(i));
            if (dims[i] < 0) {
                throw new ArtifactCorruptException(file, item, "shape " + shape
                        + " has a size that is not a whole number from 0 to 2^63 - 1");
            }
            elements = elements.multiply(BigInteger.valueOf(dims[i]));
        }
        long begin = wholeNumber(offsets.get(0));
        long end = wholeNumber(offsets.get(1));
        if (begin < 0 || end < begin || end > dataBytes) {
            throw new ArtifactCorruptException(file, item, "data_offsets " + offsets
                    + " fall outside the " + dataBytes + " data bytes (truncated?)");
        }
        BigInteger count = elements;
        BigInteger needed = TensorDtype.fromHeader(dtype.asText())
                .map(known -> count.multiply(BigInteger.valueOf(known.bytes())))
                .orElse(null);
        if (count.bitLength() > 62 || (needed != null && !needed.equals(BigInteger.valueOf(end - begin)))) {
            throw new ArtifactCorruptException(file, item, "shape " + shape + " of " + dtype.asText() + " needs "
                    + (needed == null ? count + " elements" : needed + " bytes") + " but data_offsets span "
                    + (end - begin) + " bytes");
        }
        return new SafetensorsEntry(name, dtype.asText(), dims, begin, end);
    }

    /** A JSON whole number that fits a non-negative {@code long}, or -1: {@code "2"}, 2.9 and 2^64 + 4 are not. */
    private static long wholeNumber(JsonNode value) {
        return value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0 ? value.longValue() : -1;
    }

    private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buffer.flip();
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was written through a read-only channel, so a failed close loses nothing.
        }
    }
}
