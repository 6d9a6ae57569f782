package dev.saesplit.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads small documents (specs, SAE configs) that users name, refusing anything that is not a regular file
 * after symlinks are resolved. A pipe blocks forever on open and {@code /dev/zero} never ends, so the kind of
 * file is checked before it is opened, and the read itself stops one byte past the limit: a file that grows,
 * or a {@code /proc} file that reports size 0, cannot slip past it.
 */
public final class RegularFiles {

    private RegularFiles() {
    }

    /**
     * The bytes of {@code file}, at most {@code maxBytes} of them.
     *
     * @throws NoSuchFileException     when nothing exists there
     * @throws UnreadableFileException when it is not a regular file or is larger than {@code maxBytes}
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        requireRegular(file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        }
        if (bytes.length > maxBytes) {
            throw new UnreadableFileException(file, "is larger than the " + describeSize(maxBytes)
                    + " such a file may be");
        }
        return bytes;
    }

    /**
     * Fails unless {@code file} is, after following symlinks, a regular file.
     *
     * @throws NoSuchFileException     when nothing exists there
     * @throws UnreadableFileException when it is a directory, device, pipe or socket
     */
    public static void requireRegular(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            return;
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        throw new UnreadableFileException(file, "is not a regular file (" + kind(file) + ")");
    }

    /** "a directory", "a device, pipe or socket": enough for a user to see why the file was refused. */
    public static String kind(Path file) {
        return Files.isDirectory(file) ? "a directory" : "a device, pipe or socket";
    }

    /** {@code 1048576} as "1 MiB", for messages. */
    public static String describeSize(long bytes) {
        if (bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes % (1L << 10) == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + " bytes";
    }
}
