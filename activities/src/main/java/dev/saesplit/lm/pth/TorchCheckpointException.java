package dev.saesplit.lm.pth;

import dev.saesplit.artifact.ArtifactCorruptException;
import java.nio.file.Path;

/**
 * A file offered as a PyTorch checkpoint is not one this reader understands: not a {@code torch.save} zip
 * archive, a pickle it cannot follow, a storage missing from the archive, or a tensor whose storage type has
 * no float reading. The message names the file and the tensor or archive entry.
 */
public final class TorchCheckpointException extends ArtifactCorruptException {

    public TorchCheckpointException(Path file, String item, String problem) {
        super(file, item, problem);
    }

    public TorchCheckpointException(Path file, String item, String problem, Throwable cause) {
        super(file, item, problem, cause);
    }
}
