package dev.saesplit.activations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes one writer at a time own a cache's work directory: two experiments that need the same activations at once
 * would otherwise write the same shard files. A thread lock orders threads of this process (a file lock cannot:
 * the JVM refuses overlapping locks), a file lock orders processes sharing the artifact store.
 */
final class WriterLock implements AutoCloseable {

    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final ReentrantLock threadLock;
    private final FileChannel channel;
    private final FileLock fileLock;

    private WriterLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
        this.threadLock = threadLock;
        this.channel = channel;
        this.fileLock = fileLock;
    }

    /** Waits until no other writer holds {@code lockFile}, then holds it. */
    static WriterLock acquire(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        threadLock.lock();
        FileChannel channel = null;
        try {
            channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new WriterLock(threadLock, channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                threadLock.unlock();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot lock " + key, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public void close() {
        try {
            fileLock.release();
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release " + channel, e);
        } finally {
            threadLock.unlock();
        }
    }
}
