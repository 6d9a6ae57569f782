package dev.saesplit.sae.safetensors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Writes float32 tensors in the safetensors format: an 8-byte little-endian header length, a JSON header
 * (space-padded to 8 bytes so the data stays aligned), then the raw little-endian data in header order.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_FLOATS = 1 << 20;

    private SafetensorsWriter() {
    }

    public static void write(Path file, List<NamedTensor> tensors) {
        write(file, tensors, Map.of());
    }

    /** Writes {@code tensors} in order, with {@code metadata} as the header's {@code __metadata__}. */
    public static void write(Path file, List<NamedTensor> tensors, Map<String, String> metadata) {
        byte[] header = header(tensors, metadata);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            writeFully(channel, prefix);
            ByteBuffer chunk = ByteBuffer.allocateDirect(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
            for (NamedTensor tensor : tensors) {
                float[] values = tensor.values();
                for (int from = 0; from < values.length; from += CHUNK_FLOATS) {
                    int count = Math.min(CHUNK_FLOATS, values.length - from);
                    chunk.clear();
                    chunk.asFloatBuffer().put(values, from, count);
                    chunk.limit(4 * count);
                    writeFully(channel, chunk);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static byte[] header(List<NamedTensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (NamedTensor tensor : tensors) {
            if (root.has(tensor.name())) {
                throw new IllegalArgumentException("tensor name '" + tensor.name() + "' appears twice");
            }
            ObjectNode entry = root.putObject(tensor.name());
            entry.put("dtype", TensorDtype.F32.name());
            ArrayNode shape = entry.putArray("shape");
            for (long dim : tensor.shape()) {
                shape.add(dim);
            }
            long end = offset + 4L * tensor.values().length;
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(json, 0, header, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
