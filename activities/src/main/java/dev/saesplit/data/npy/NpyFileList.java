package dev.saesplit.data.npy;

import java.util.List;

/**
 * The descriptor an {@code npy} activations artifact holds instead of a copy of the data: the files, with the
 * size and modification time each had when registered, so a file changed since is noticed.
 *
 * @param files the files in order
 */
public record NpyFileList(List<Entry> files) {

    public static final String FILE_NAME = "npy_files.json";

    /**
     * @param path          absolute path
     * @param sizeBytes     size when registered
     * @param modifiedMillis modification time when registered
     */
    public record Entry(String path, long sizeBytes, long modifiedMillis) {
    }
}
