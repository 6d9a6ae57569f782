package dev.saesplit.lm.tokens;

import dev.saesplit.pipeline.BadInput;

import java.nio.file.Path;

/** A tokenizer was asked for by a spec that names no readable {@code tokenizer.json}; the message names it. */
public final class TokenizerFileException extends RuntimeException implements BadInput {

    public TokenizerFileException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public TokenizerFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
