package dev.saesplit.lm.dataset;

import dev.saesplit.files.BadFileException;

import java.nio.file.Path;

/**
 * A file offered as documents cannot be read as such: missing, malformed JSON on a line, a missing column or
 * field, token ids of the wrong type, a row too short for the context. The message starts with where: the file,
 * and the line or row when there is one ({@code corpus.jsonl:17: ...}).
 */
public final class DocumentFormatException extends BadFileException {

    public DocumentFormatException(Path file, String problem) {
        super(file, problem, null);
    }

    public DocumentFormatException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }

    /** {@code line} counts from 1, as editors do. */
    public DocumentFormatException(Path file, long line, String problem) {
        super(file, file + ":" + line, problem, null);
    }

    /** For places that are not a file line, e.g. {@code shard-0.parquet row 17}. */
    public DocumentFormatException(String where, String problem) {
        super(null, where, problem, null);
    }

    public DocumentFormatException(String where, String problem, Throwable cause) {
        super(null, where, problem, cause);
    }
}
