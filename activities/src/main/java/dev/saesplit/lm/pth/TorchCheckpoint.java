package dev.saesplit.lm.pth;

import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import net.razorvine.pickle.PickleException;

/**
 * A PyTorch state dict saved with {@code torch.save} (the zip format of PyTorch 1.6 and later), read without
 * Python: {@code <prefix>/data.pkl} is unpickled into tensor views, and each tensor's values are read from
 * {@code <prefix>/data/<key>} on demand, honouring storage offset, size, stride and {@code <prefix>/byteorder}.
 * The state dict may be the top-level object or a dict nested one level down (e.g. under {@code "model"}).
 */
public final class TorchCheckpoint implements AutoCloseable {

    /**
     * The largest {@code data.pkl} read: the index of a state dict, a few hundred bytes per tensor, so this
     * covers models of tens of thousands of tensors while keeping what a hostile archive can make us hold small.
     */
    static final int MAX_PICKLE_BYTES = 32 << 20;
    /** How long unpickling the index may take; a real one takes milliseconds. */
    static final Duration UNPICKLE_BOUND = Duration.ofSeconds(10);

    /** Keys under which training scripts commonly nest the model's state dict, tried in this order. */
    private static final List<String> NESTING_KEYS = List.of("state_dict", "model_state_dict", "model");

    private final Path file;
    private final ZipFile zip;
    private final String prefix;
    private final ByteOrder byteOrder;
    private final Map<String, TorchTensor> tensors;

    private TorchCheckpoint(Path file, ZipFile zip, String prefix, ByteOrder byteOrder,
                            Map<String, TorchTensor> tensors) {
        this.file = file;
        this.zip = zip;
        this.prefix = prefix;
        this.byteOrder = byteOrder;
        this.tensors = tensors;
    }

    /** Opens {@code file} and unpickles its tensor index; no tensor data is read yet. */
    public static TorchCheckpoint open(Path file) {
        ZipFile zip;
        try {
            // Opening a pipe would block; a device is no archive.
            RegularFiles.requireRegular(file);
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new TorchCheckpointException(file, "archive", "is not a zip archive; only the torch.save "
                    + "format of PyTorch 1.6 and later can be read (re-save it with torch.save)", e);
        } catch (UnreadableFileException e) {
            throw new TorchCheckpointException(file, "file", e.problem(), e);
        } catch (NoSuchFileException e) {
            throw new TorchCheckpointException(file, "file", "does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file, e);
        }
        try {
            String prefix = archivePrefix(file, zip);
            ByteOrder order = byteOrder(file, zip, prefix);
            Object root = unpickle(file, zip, prefix + "data.pkl");
            return new TorchCheckpoint(file, zip, prefix, order, findStateDict(file, root));
        } catch (RuntimeException e) {
            closeQuietly(zip);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** Every tensor's name and shape, by name. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new TreeMap<>();
        tensors.forEach((name, tensor) -> shapes.put(name, tensor.size()));
        return shapes;
    }

    /** One tensor's values, row-major, widened to float. */
    public float[] read(String name) {
        TorchTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "missing; the state dict holds "
                    + PickleText.describe(tensors.keySet()));
        }
        TorchStorage storage = tensor.storage();
        String entryName = prefix + "data/" + storage.key();
        ZipEntry entry = zip.getEntry(entryName);
        if (entry == null) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "its storage " + entryName
                    + " is not in the archive");
        }
        String problem = tensor.viewProblem();
        if (problem != null) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", problem);
        }
        if (storage.elements() < 0 || storage.elements() > (Long.MAX_VALUE - 8) / storage.type().elementBytes()) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "its storage claims "
                    + storage.elements() + " elements");
        }
        long storageBytes = storage.elements() * storage.type().elementBytes();
        if (tensor.elements() > storage.elements()) {
            // A stride of 0 repeats stored elements; a weight never does, and the copy would be unbounded.
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "its view of " + tensor.elements()
                    + " elements is larger than its storage of " + storage.elements() + " elements");
        }
        if (tensor.extent() > storage.elements() || entry.getSize() < storageBytes) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "its view (offset "
                    + tensor.offset() + ", size " + PickleText.clip(Arrays.toString(tensor.size())) + ", stride "
                    + PickleText.clip(Arrays.toString(tensor.stride())) + ") reaches past its storage of "
                    + storage.elements()
                    + " elements in " + entry.getSize() + " bytes (truncated?)");
        }
        if (storageBytes > Integer.MAX_VALUE - 8) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "its storage of " + storageBytes
                    + " bytes is larger than one read can hold; save the weights as safetensors instead");
        }
        byte[] bytes = readEntry(entry, (int) storageBytes);
        if (bytes.length < storageBytes) {
            throw new TorchCheckpointException(file, "tensor '" + name + "'", "its storage " + entryName
                    + " ends after " + bytes.length + " of " + storageBytes + " bytes (truncated?)");
        }
        return tensor.gather(ByteBuffer.wrap(bytes).order(byteOrder));
    }

    @Override
    public void close() {
        closeQuietly(zip);
    }

    /** torch.save puts everything under one top-level folder, named after the file or "archive". */
    private static String archivePrefix(Path file, ZipFile zip) {
        List<String> pickles = new ArrayList<>();
        zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("data.pkl")).forEach(pickles::add);
        if (pickles.size() != 1) {
            throw new TorchCheckpointException(file, "archive", "holds " + pickles.size()
                    + " data.pkl entries " + pickles + "; a torch.save archive holds exactly one");
        }
        String pickle = pickles.get(0);
        return pickle.substring(0, pickle.length() - "data.pkl".length());
    }

    /** Archives from before the byteorder record were always little-endian. */
    private static ByteOrder byteOrder(Path file, ZipFile zip, String prefix) {
        ZipEntry entry = zip.getEntry(prefix + "byteorder");
        if (entry == null) {
            return ByteOrder.LITTLE_ENDIAN;
        }
        String order = new String(readEntry(zip, file, entry, 16), StandardCharsets.US_ASCII).trim();
        return switch (order) {
            case "little" -> ByteOrder.LITTLE_ENDIAN;
            case "big" -> ByteOrder.BIG_ENDIAN;
            default -> throw new TorchCheckpointException(file, entry.getName(), "names byte order '" + order
                    + "'; expected 'little' or 'big'");
        };
    }

    private static Object unpickle(Path file, ZipFile zip, String entryName) {
        ZipEntry entry = zip.getEntry(entryName);
        if (entry.getSize() > MAX_PICKLE_BYTES) {
            throw new TorchCheckpointException(file, entryName, "is " + entry.getSize() + " bytes; a state dict's "
                    + "index is far smaller (at most " + MAX_PICKLE_BYTES + " bytes are read)");
        }
        byte[] pickle = readEntry(zip, file, entry, MAX_PICKLE_BYTES + 1);
        if (pickle.length > MAX_PICKLE_BYTES) {
            throw new TorchCheckpointException(file, entryName, "inflates past " + MAX_PICKLE_BYTES
                    + " bytes; a state dict's index is far smaller");
        }
        TorchUnpickler unpickler = new TorchUnpickler();
        try {
            return unpickler.loadChecked(pickle, UNPICKLE_BOUND);
        } catch (IOException | RuntimeException | StackOverflowError e) {
            // Whatever a malformed pickle makes the library throw (an index error, a negative array size, a
            // number format error) is a fault of the file.
            throw new TorchCheckpointException(file, entryName, "cannot be unpickled as a state dict: "
                    + PickleText.clip(messageOf(e)), e);
        } finally {
            unpickler.close();
        }
    }

    private static String messageOf(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** The top-level dict if it holds tensors, else the one nested dict that does. */
    private static Map<String, TorchTensor> findStateDict(Path file, Object root) {
        if (!(root instanceof Map<?, ?> top)) {
            throw new TorchCheckpointException(file, "data.pkl", "holds a " + describe(root)
                    + ", not a dict of tensors");
        }
        Map<String, TorchTensor> direct = tensorsOf(top);
        if (!direct.isEmpty()) {
            return direct;
        }
        for (String key : NESTING_KEYS) {
            if (top.get(key) instanceof Map<?, ?> inner && !tensorsOf(inner).isEmpty()) {
                return tensorsOf(inner);
            }
        }
        List<Map<String, TorchTensor>> nested = new ArrayList<>();
        for (Object value : top.values()) {
            if (value instanceof Map<?, ?> inner && !tensorsOf(inner).isEmpty()) {
                nested.add(tensorsOf(inner));
            }
        }
        if (nested.size() != 1) {
            throw new TorchCheckpointException(file, "data.pkl", "holds no single dict of tensors at the top "
                    + "level or one level down (keys: " + PickleText.describe(top.keySet()) + ")");
        }
        return nested.get(0);
    }

    /** The string-keyed tensor entries of {@code map}; other entries (step counts, configs) are skipped. */
    private static Map<String, TorchTensor> tensorsOf(Map<?, ?> map) {
        Map<String, TorchTensor> tensors = new TreeMap<>();
        map.forEach((key, value) -> {
            if (key instanceof String name && value instanceof TorchTensor tensor) {
                tensors.put(name, tensor);
            }
        });
        return Collections.unmodifiableMap(tensors);
    }

    private byte[] readEntry(ZipEntry entry, int bytes) {
        return readEntry(zip, file, entry, bytes);
    }

    private static byte[] readEntry(ZipFile zip, Path file, ZipEntry entry, int bytes) {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readNBytes(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.getName() + " of " + file, e);
        }
    }

    private static String describe(Object value) {
        return value == null ? "None" : value.getClass().getSimpleName();
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // Read-only; a failed close loses nothing.
        }
    }
}
