package dev.saesplit.lm.tokens;

import dev.saesplit.files.BadFileException;

import java.nio.file.Path;

/** A tokenizer was asked for by a spec that names no readable {@code tokenizer.json}; the message names it. */
public final class TokenizerFileException extends BadFileException {

    public TokenizerFileException(Path file, String problem) {
        super(file, problem, null);
    }

    public TokenizerFileException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
