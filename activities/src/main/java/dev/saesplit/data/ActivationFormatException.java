package dev.saesplit.data;

import dev.saesplit.pipeline.BadInput;

import java.nio.file.Path;

/**
 * A file offered as activations is not in a layout this project reads: wrong dtype, byte order, rank, memory
 * order, truncated data, or a width that disagrees with the other files. The message names the file and what
 * is wrong with it.
 */
public final class ActivationFormatException extends RuntimeException implements BadInput {

    private final Path file;
    private final String problem;

    public ActivationFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public ActivationFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
