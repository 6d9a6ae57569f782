package dev.saesplit.lm.pth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes pickle opcodes by hand, and wraps them in a {@code torch.save}-shaped archive, so that tests can build
 * exactly the malformed or hostile files a reader must survive.
 */
final class PickleWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter op(int... opcodes) {
        for (int opcode : opcodes) {
            out.write(opcode);
        }
        return this;
    }

    PickleWriter text(String line) {
        out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    PickleWriter string(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return op('X').int32(utf8.length).bytes(utf8);
    }

    PickleWriter int32(int value) {
        for (int i = 0; i < 4; i++) {
            out.write(value >>> 8 * i);
        }
        return this;
    }

    PickleWriter binint(int value) {
        return op('J').int32(value);
    }

    PickleWriter global(String module, String name) {
        return op('c').text(module + "\n" + name + "\n");
    }

    PickleWriter bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    /** {@code count} copies of the opcode sequence {@code unit}. */
    PickleWriter repeat(String unit, int count) {
        byte[] bytes = unit.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < count; i++) {
            out.writeBytes(bytes);
        }
        return this;
    }

    /** Pushes a float tensor view {@code (storage '0' of numel floats, offset, size, stride)}. */
    PickleWriter tensor(int numel, int offset, int[] size, int[] stride) {
        global("torch._utils", "_rebuild_tensor_v2").op('(');
        op('(').string("storage").global("torch", "FloatStorage").string("0").string("cpu").binint(numel)
                .op('t', 'Q');
        binint(offset);
        op('(');
        for (int s : size) {
            binint(s);
        }
        op('t', '(');
        for (int s : stride) {
            binint(s);
        }
        op('t', 0x89).global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        return this;
    }

    /**
     * Pushes a list that holds the previous level twice, {@code depth} levels deep: hashing or printing it
     * costs 2^depth.
     */
    PickleWriter selfDoublingList(int depth) {
        op(']', 'q', 0);
        for (int i = 0; i < depth; i++) {
            op('(', 'h', 0, 'h', 0, 'l', 'q', 0);
        }
        return this;
    }

    byte[] toBytes() {
        return out.toByteArray();
    }

    /**
     * A torch.save archive with this pickle as {@code data.pkl} and {@code storage} as the storage named '0',
     * deflated (torch.save stores entries; deflating lets a few KB of file inflate to megabytes of opcodes).
     */
    Path archive(Path file, byte[] storage) throws IOException {
        try (OutputStream stream = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(stream)) {
            put(zip, "archive/data.pkl", toBytes());
            put(zip, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            put(zip, "archive/data/0", storage);
        }
        return file;
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }
}
