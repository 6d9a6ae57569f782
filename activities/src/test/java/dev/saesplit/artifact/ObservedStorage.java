package dev.saesplit.artifact;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SharedDirectory} that counts the artifact files it serves and can hold a publication back: a test sees
 * what a reader on another machine sees while a producer is between uploading its files and publishing them.
 */
final class ObservedStorage implements SharedStorage {

    private final SharedDirectory delegate;
    final AtomicInteger filesServed = new AtomicInteger();
    /** Counted down when a manifest is about to be written; the write then waits for {@link #publish}. */
    final CountDownLatch publishing = new CountDownLatch(1);
    final CountDownLatch publish = new CountDownLatch(1);
    private volatile boolean holdPublications;

    ObservedStorage(Path root) {
        this.delegate = new SharedDirectory(root);
    }

    void holdPublications() {
        holdPublications = true;
    }

    @Override
    public void put(String path, Path file) throws IOException {
        if (holdPublications && path.endsWith(SharedUploads.MANIFEST_SUFFIX)) {
            publishing.countDown();
            try {
                if (!publish.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("the test never released the publication of " + path);
                }
            } catch (InterruptedException e) {
                throw new UncheckedIOException(new IOException(e));
            }
        }
        delegate.put(path, file);
    }

    @Override
    public boolean get(String path, Path file) throws IOException {
        if (!path.endsWith(SharedUploads.MANIFEST_SUFFIX)) {
            filesServed.incrementAndGet();
        }
        return delegate.get(path, file);
    }

    @Override
    public List<Entry> list(String directory) throws IOException {
        return delegate.list(directory);
    }

    @Override
    public void delete(String path) throws IOException {
        delegate.delete(path);
    }

    @Override
    public String uri(String path) {
        return delegate.uri(path);
    }

    @Override
    public Optional<String> pathOf(String uri) {
        return delegate.pathOf(uri);
    }

    @Override
    public String describe() {
        return delegate.describe();
    }
}
