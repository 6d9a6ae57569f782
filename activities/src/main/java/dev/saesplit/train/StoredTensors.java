package dev.saesplit.train;

import ai.djl.ndarray.types.Shape;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/** The tensors of one checkpoint file, handed out only with the shape the reader expects. */
record StoredTensors(Path file, Map<String, NamedTensor> tensors) {

    static StoredTensors read(Path file) {
        return new StoredTensors(file, SafetensorsReader.readAll(file));
    }

    float[] require(String name, Shape expected) {
        NamedTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new ArtifactCorruptException(file, "tensor '" + name + "'", "missing; the file holds " + tensors.keySet());
        }
        if (!Arrays.equals(tensor.shape(), expected.getShape())) {
            throw new ArtifactCorruptException(file, "tensor '" + name + "'", "has shape "
                    + Arrays.toString(tensor.shape()) + ", expected " + expected);
        }
        return tensor.values();
    }
}
