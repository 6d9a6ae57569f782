package dev.saesplit.lm;

import dev.saesplit.artifact.ArtifactCorruptException;
import java.nio.file.Path;

/**
 * A language model's weights file does not hold the model its config describes: a tensor missing, of the wrong
 * shape, unexpected, or stored in a way this engine cannot read. The message names the file and the tensor.
 */
public final class ModelWeightsException extends ArtifactCorruptException {

    public ModelWeightsException(Path file, String item, String problem) {
        super(file, item, problem);
    }

    public ModelWeightsException(Path file, String item, String problem, Throwable cause) {
        super(file, item, problem, cause);
    }

    /** The item string used for one named tensor, so messages read the same everywhere. */
    public static String tensor(String name) {
        return "tensor '" + name + "'";
    }
}
