package dev.saesplit.upstream;

import dev.saesplit.pipeline.BadInput;

/** The upstream DAG run failed, or cannot be run as the spec names it: retrying the activity would not help. */
public final class UpstreamDagFailedException extends RuntimeException implements BadInput {

    public UpstreamDagFailedException(String message) {
        super(message);
    }
}
