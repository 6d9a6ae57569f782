package dev.saesplit.lm.dataset;

import dev.saesplit.pipeline.BadInput;

/** Context settings that cannot produce contexts: a size too small, or a BOS asked for that the vocabulary lacks. */
public final class ContextSettingsException extends RuntimeException implements BadInput {

    public ContextSettingsException(String message) {
        super(message);
    }
}
