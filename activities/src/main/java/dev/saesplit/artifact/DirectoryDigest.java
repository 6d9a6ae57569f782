package dev.saesplit.artifact;

import dev.saesplit.digest.Sha256;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 fingerprints of a directory's contents, over its regular files in path order:
 * <ul>
 *   <li>{@link #of}: every file's relative path and bytes. The content hash an artifact is recorded with, and
 *       what {@code saesplit verify} recomputes.</li>
 *   <li>{@link #quick}: every file's relative path and size, plus the bytes of files up to
 *       {@value #QUICK_FILE_BYTES} bytes (manifests, configs, reports). Reads kilobytes, not the gigabytes of
 *       weights and shards, so it is checked every time an artifact is reused: it catches a missing, added,
 *       truncated or extended file and any change to a small one.</li>
 * </ul>
 */
public final class DirectoryDigest {

    /** Files up to this size are hashed whole by {@link #quick}. */
    static final long QUICK_FILE_BYTES = 64 * 1024;

    private DirectoryDigest() {
    }

    public static String of(Path directory) {
        return digest(directory, Long.MAX_VALUE);
    }

    public static String quick(Path directory) {
        return "quick:" + digest(directory, QUICK_FILE_BYTES);
    }

    private static String digest(Path directory, long wholeFileBytes) {
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> files = walk.filter(Files::isRegularFile).sorted().toList();
            MessageDigest digest = Sha256.newDigest();
            byte[] buffer = new byte[1 << 16];
            for (Path file : files) {
                digest.update(directory.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                long size = Files.size(file);
                if (wholeFileBytes != Long.MAX_VALUE) {
                    digest.update(Long.toString(size).getBytes(StandardCharsets.US_ASCII));
                    digest.update((byte) 0);
                }
                if (size <= wholeFileBytes) {
                    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                        while (in.read(buffer) >= 0) {
                            // the digest stream hashes what is read
                        }
                    }
                }
            }
            return Sha256.hex(digest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + directory, e);
        }
    }
}
