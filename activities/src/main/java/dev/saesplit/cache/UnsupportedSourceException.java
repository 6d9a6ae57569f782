package dev.saesplit.cache;

import dev.saesplit.pipeline.BadInput;

/** The spec names an activation source this version of saesplit cannot produce. */
public final class UnsupportedSourceException extends RuntimeException implements BadInput {

    public UnsupportedSourceException(String message) {
        super(message);
    }
}
