package dev.saesplit.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that must not be read as a document: not a regular file (a directory, a device such as
 * {@code /dev/zero}, a pipe), or larger than the caller's limit. Reading such a file would hang or exhaust
 * memory, so it is refused before any byte is read.
 */
public final class UnreadableFileException extends IOException {

    private final Path file;
    private final String problem;

    public UnreadableFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /** The refused file, as the caller named it. */
    public Path file() {
        return file;
    }

    /** Why it was refused, without the file name. */
    public String problem() {
        return problem;
    }
}
