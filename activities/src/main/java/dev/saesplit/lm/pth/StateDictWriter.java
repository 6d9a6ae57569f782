package dev.saesplit.lm.pth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a dict of float32 tensors in the layout {@code torch.save} gives a state dict (PyTorch 1.6 and later): a
 * zip archive with {@code archive/data.pkl} (a protocol-2 pickle whose tensors are
 * {@code torch._utils._rebuild_tensor_v2} calls on persistent storage ids), one {@code archive/data/<key>} entry
 * per storage, {@code archive/byteorder} and {@code archive/version}. What {@link TorchCheckpoint} reads, and what
 * {@code torch.load} reads, so SAEs saved here open in code that expects a {@code .pt} state dict.
 */
public final class StateDictWriter {

    private static final String PREFIX = "archive/";

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    /** One float32 tensor: row-major {@code values} of the given {@code shape}. */
    private record Tensor(float[] values, long[] shape) {
    }

    /** Adds a tensor; its values are copied when written. */
    public StateDictWriter put(String name, float[] values, long... shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        if (count != values.length) {
            throw new IllegalArgumentException(name + " holds " + values.length + " values for shape "
                    + java.util.Arrays.toString(shape));
        }
        tensors.put(name, new Tensor(values, shape.clone()));
        return this;
    }

    public void write(Path file) {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            stored(zip, PREFIX + "data.pkl", pickle());
            int key = 0;
            for (Tensor tensor : tensors.values()) {
                ByteBuffer bytes = ByteBuffer.allocate(4 * tensor.values().length).order(ByteOrder.LITTLE_ENDIAN);
                bytes.asFloatBuffer().put(tensor.values());
                stored(zip, PREFIX + "data/" + key++, bytes.array());
            }
            stored(zip, PREFIX + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            stored(zip, PREFIX + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * {@code OrderedDict([(name, _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())), ...])},
     * each storage a persistent id {@code ('storage', FloatStorage, key, 'cpu', numel)}.
     */
    private byte[] pickle() {
        Pickle p = new Pickle();
        p.op(0x80).op(2); // PROTO 2
        p.global("collections", "OrderedDict").op(')').op('R'); // OrderedDict()
        p.op('(');
        int key = 0;
        for (Map.Entry<String, Tensor> entry : tensors.entrySet()) {
            Tensor tensor = entry.getValue();
            p.unicode(entry.getKey());
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.op('(');
            p.op('(').unicode("storage").global("torch", "FloatStorage").unicode(Integer.toString(key++))
                    .unicode("cpu").integer(tensor.values().length).op('t').op('Q'); // BINPERSID
            p.integer(0);
            p.longs(tensor.shape());
            p.longs(rowMajorStrides(tensor.shape()));
            p.op(0x89); // NEWFALSE: requires_grad
            p.global("collections", "OrderedDict").op(')').op('R'); // backward hooks
            p.op('t').op('R');
        }
        p.op('u').op('.'); // SETITEMS, STOP
        return p.bytes();
    }

    private static long[] rowMajorStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        return strides;
    }

    /** Entries are stored uncompressed, as {@code torch.save} stores them. */
    private static void stored(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    /** The few pickle opcodes a state dict needs. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int opcode) {
            out.write(opcode);
            return this;
        }

        Pickle global(String module, String name) {
            write(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle unicode(String text) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            op('X');
            write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
            write(utf8);
            return this;
        }

        /** LONG1, which holds any long (BININT stops at 2^31). */
        Pickle integer(long value) {
            byte[] little = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
            op(0x8a).op(8);
            write(little);
            return this;
        }

        Pickle longs(long[] values) {
            op('(');
            for (long value : values) {
                integer(value);
            }
            return op('t');
        }

        private void write(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
