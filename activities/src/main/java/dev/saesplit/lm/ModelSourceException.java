package dev.saesplit.lm;

import dev.saesplit.pipeline.BadInput;

/**
 * A {@code source: model} spec cannot be run as written: a file it needs is not named or not there, or its settings
 * do not fit the model or the dataset. The message names the spec field ({@code activations.weights}, ...).
 */
public final class ModelSourceException extends RuntimeException implements BadInput {

    private final String field;
    private final String problem;

    public ModelSourceException(String field, String problem) {
        super("activations." + field + ": " + problem);
        this.field = "activations." + field;
        this.problem = problem;
    }

    /** The spec field at fault, e.g. {@code activations.hook}. */
    public String field() {
        return field;
    }

    /** What is wrong with it, without the field. */
    public String problem() {
        return problem;
    }
}
