package dev.saesplit.data;

import dev.saesplit.files.BadFileException;

import java.nio.file.Path;

/**
 * A file offered as activations is not in a layout this project reads: wrong dtype, byte order, rank, memory
 * order, truncated data, or a width that disagrees with the other files. The message names the file and what
 * is wrong with it.
 */
public final class ActivationFormatException extends BadFileException {

    public ActivationFormatException(Path file, String problem) {
        super(file, problem, null);
    }

    public ActivationFormatException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
