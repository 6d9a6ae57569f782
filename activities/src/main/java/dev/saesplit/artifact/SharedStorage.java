package dev.saesplit.artifact;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Files in a store that workers on several machines share, addressed by relative {@code /}-separated paths.
 * Only what {@link SharedUploads} needs: it builds atomic, published directories on top. Every transfer streams
 * between a local file and the store; nothing is held whole in memory.
 */
public interface SharedStorage {

    /** One name directly under a listed directory. */
    record Entry(String name, boolean directory, long sizeBytes) {
    }

    /** Stores {@code file} at {@code path}, replacing what was there. */
    void put(String path, Path file) throws IOException;

    /** Copies {@code path} into {@code file}; false, leaving {@code file} absent, when there is nothing there. */
    boolean get(String path, Path file) throws IOException;

    /** The files and directories directly under {@code directory}; empty when it does not exist. */
    List<Entry> list(String directory) throws IOException;

    /** Deletes {@code path} and, for a directory, everything under it; nothing when it does not exist. */
    void delete(String path) throws IOException;

    /** The URI recorded for {@code path}: it names this store and the path inside it. */
    String uri(String path);

    /** The path inside this store that {@code uri} names, if it names one. */
    Optional<String> pathOf(String uri);

    /** One line for people: the kind of store and where it is, without credentials. */
    String describe();
}
