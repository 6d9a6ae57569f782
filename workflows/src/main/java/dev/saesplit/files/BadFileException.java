package dev.saesplit.files;

import dev.saesplit.pipeline.BadInput;

import java.nio.file.Path;

/**
 * A file a user named, or one the pipeline wrote, that cannot be used as it is: the shape every
 * "this file is wrong" failure shares. The message reads {@code <where>: <problem>}, where {@code where} is the
 * file, or a place in it (a line, a tensor); each kind of file has its own subtype, so callers and users still
 * see which reader refused it. Retrying cannot fix a file, so it is {@link BadInput}.
 */
public abstract class BadFileException extends RuntimeException implements BadInput {

    private final Path file;
    private final String problem;

    /** Message {@code <file>: <problem>}. */
    protected BadFileException(Path file, String problem, Throwable cause) {
        this(file, String.valueOf(file), problem, cause);
    }

    /**
     * Message {@code <where>: <problem>}, for a place inside {@code file} such as {@code corpus.jsonl:17}, or a
     * place that is no one file (then {@code file} is null).
     */
    protected BadFileException(Path file, String where, String problem, Throwable cause) {
        super(where + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file at fault; null only when the place is not a file of its own (a row of a parquet dataset). */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
