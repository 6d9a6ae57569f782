package dev.saesplit.lm.dataset;

import dev.saesplit.pipeline.BadInput;

/** A language model's corpus cannot be read as its spec says; the message names the spec field. */
public final class CorpusException extends RuntimeException implements BadInput {

    public CorpusException(String field, String problem) {
        super("dataset." + field + ": " + problem);
    }

    public CorpusException(String field, String problem, Throwable cause) {
        super("dataset." + field + ": " + problem, cause);
    }
}
