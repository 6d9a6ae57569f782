package dev.saesplit.evaluate.interpret;

import dev.saesplit.pipeline.BadInput;

/**
 * What interpretation was given does not fit together: a probe prompt longer than the model's context, an SAE
 * whose width is not the hook's, token rows that do not cover the activations. The message names which.
 */
public final class InterpretationInputException extends RuntimeException implements BadInput {

    public InterpretationInputException(String message) {
        super(message);
    }
}
