package dev.saesplit.artifact;

import dev.saesplit.pipeline.BadInput;

/** {@code SAESPLIT_ARTIFACTS} (or its companion variables) holds a value saesplit cannot use; the message names it. */
public final class ArtifactConfigException extends RuntimeException implements BadInput {

    public ArtifactConfigException(String message) {
        super(message);
    }
}
