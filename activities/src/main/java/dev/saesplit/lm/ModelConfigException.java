package dev.saesplit.lm;

import dev.saesplit.artifact.ArtifactCorruptException;
import java.nio.file.Path;

/**
 * A language model's {@code config.json} cannot be used: missing, not JSON, a field absent or of the wrong
 * type, or a setting (activation, normalisation, positional embedding) this engine does not implement. The
 * message names the file and the field.
 */
public final class ModelConfigException extends ArtifactCorruptException {

    public ModelConfigException(Path file, String field, String problem) {
        super(file, field, problem);
    }

    public ModelConfigException(Path file, String field, String problem, Throwable cause) {
        super(file, field, problem, cause);
    }
}
