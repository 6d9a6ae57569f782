package dev.saesplit.train;

import ai.djl.ndarray.types.Shape;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tensors of one checkpoint file, handed out only with the shape the reader expects. */
record StoredTensors(Path file, Map<String, NamedTensor> tensors) {

    static StoredTensors read(Path file) {
        return new StoredTensors(file, SafetensorsReader.readAll(file));
    }

    /** {@code tensors}, read from {@code file}, by name. */
    static StoredTensors of(Path file, List<NamedTensor> tensors) {
        Map<String, NamedTensor> byName = new LinkedHashMap<>();
        for (NamedTensor tensor : tensors) {
            byName.put(tensor.name(), tensor);
        }
        return new StoredTensors(file, byName);
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
