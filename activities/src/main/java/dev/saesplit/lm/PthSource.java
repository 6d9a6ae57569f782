package dev.saesplit.lm;

import dev.saesplit.lm.pth.TorchCheckpoint;
import java.nio.file.Path;
import java.util.Map;

/** A {@code torch.save} state dict as a {@link TensorSource}. */
final class PthSource implements TensorSource {

    private final TorchCheckpoint checkpoint;

    private PthSource(TorchCheckpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    static PthSource open(Path file) {
        return new PthSource(TorchCheckpoint.open(file));
    }

    @Override
    public Path file() {
        return checkpoint.file();
    }

    @Override
    public Map<String, long[]> shapes() {
        return checkpoint.shapes();
    }

    @Override
    public float[] read(String name) {
        return checkpoint.read(name);
    }

    @Override
    public void close() {
        checkpoint.close();
    }
}
