package dev.saesplit.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A directory written under a temporary name ({@value #PREFIX}…) and renamed into place only once complete and
 * on disk: every file and directory is fsynced before the rename and the parent after it, so a crash or power
 * loss leaves either the whole output or none where readers look.
 *
 * <p>While it exists the writer holds an exclusive lock on a sibling {@code <name>.lock} file. The operating
 * system drops that lock when the writer's process dies, which is how {@link #removeStale} tells the leftovers of
 * a killed write from a live concurrent writer's work (on this machine or, where the file system supports
 * locks, another).
 */
public final class StagedDirectory implements AutoCloseable {

    public static final String PREFIX = ".tmp-";
    private static final String LOCK_SUFFIX = ".lock";
    /** A temporary directory without a lock file predates locking; one this old is certainly abandoned. */
    private static final Duration UNLOCKED_GRACE = Duration.ofHours(1);

    private final Path directory;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StagedDirectory(Path directory, Path lockFile, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** A new, empty, locked staging directory in {@code parent} for an output to be called {@code name}. */
    public static StagedDirectory create(Path parent, String name) throws IOException {
        Files.createDirectories(parent);
        // The lock exists and is held before the directory appears, so a cleaner never sees it unlocked.
        Path lockFile = Files.createTempFile(parent, PREFIX + name + "-", LOCK_SUFFIX);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.lock();
            String lockName = lockFile.getFileName().toString();
            Path directory = parent.resolve(lockName.substring(0, lockName.length() - LOCK_SUFFIX.length()));
            Files.createDirectory(directory);
            return new StagedDirectory(directory, lockFile, channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(lockFile);
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * Makes the staged files durable and renames the directory to {@code target}. Returns false, leaving
     * {@code target} as it was, when another writer put the same output there first: outputs under one name
     * are interchangeable.
     */
    public boolean commit(Path target) throws IOException {
        fsyncTree(directory);
        try {
            try {
                Files.move(directory, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(directory, target);
            }
        } catch (FileSystemException e) {
            // Renaming onto a non-empty directory fails with ENOTEMPTY, which Java reports as a plain
            // FileSystemException; whatever the type, a directory now at the target means another writer won.
            if (Files.isDirectory(target)) {
                return false;
            }
            throw e;
        }
        fsync(target.getParent());
        return true;
    }

    /** Deletes whatever was not committed and releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            deleteTree(directory);
        } finally {
            lock.release();
            lockChannel.close();
            Files.deleteIfExists(lockFile);
        }
    }

    /**
     * Deletes the staging directories under {@code root} (down to {@code maxDepth}) whose writer is gone: their
     * lock can be taken, or, without a lock file, they are older than an hour. Returns the directories removed.
     */
    public static List<Path> removeStale(Path root, int maxDepth) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<Path> candidates;
        try (Stream<Path> walk = Files.walk(root, maxDepth)) {
            candidates = walk.filter(p -> p.getFileName().toString().startsWith(PREFIX) && Files.isDirectory(p))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan " + root + " for unfinished writes", e);
        }
        List<Path> removed = new ArrayList<>();
        for (Path candidate : candidates) {
            try {
                if (removeIfAbandoned(candidate)) {
                    removed.add(candidate);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the unfinished write " + candidate, e);
            }
        }
        return removed;
    }

    private static boolean removeIfAbandoned(Path directory) throws IOException {
        Path lockFile = directory.resolveSibling(directory.getFileName() + LOCK_SUFFIX);
        if (!Files.exists(lockFile)) {
            Instant modified = Files.getLastModifiedTime(directory).toInstant();
            if (modified.isAfter(Instant.now().minus(UNLOCKED_GRACE))) {
                return false;
            }
            deleteTree(directory);
            return true;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // held by a writer in this very process
            }
            if (lock == null) {
                return false; // held by a live writer in another process
            }
            try {
                deleteTree(directory);
            } finally {
                lock.release();
            }
        }
        Files.deleteIfExists(lockFile);
        return true;
    }

    /**
     * Renames the complete file {@code temp} to {@code target}, replacing what is there, atomically where the file
     * system can: a reader opens the old file or the new one, never half of one.
     */
    static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Forces every file and directory under {@code root}, and {@code root} itself, to disk. */
    static void fsyncTree(Path root) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path entry : entries) {
            fsync(entry);
        }
    }

    private static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(path)) {
                throw e;
            }
            // Some platforms cannot open a directory to sync it; there the rename is as durable as they allow.
        }
    }

    /** Deletes {@code root} and everything under it; nothing if it does not exist. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
