package dev.saesplit.lm;

import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Copies of a safetensors model folder with one weight changed, for tests of what loading and validate refuse. */
public final class ModelCopies {

    private ModelCopies() {
    }

    /**
     * Copies the folder {@code source} ({@code config.json} and {@code model.safetensors}) to {@code target}, with
     * element {@code index} of {@code tensor} set to {@code value}.
     */
    public static Path withValue(Path source, Path target, String tensor, int index, float value) throws IOException {
        Files.createDirectories(target);
        Files.copy(source.resolve("config.json"), target.resolve("config.json"));
        List<NamedTensor> tensors = new ArrayList<>();
        for (NamedTensor t : SafetensorsReader.readAll(source.resolve("model.safetensors")).values()) {
            float[] values = t.values().clone();
            if (t.name().equals(tensor)) {
                values[index] = value;
            }
            tensors.add(new NamedTensor(t.name(), t.shape(), values));
        }
        SafetensorsWriter.write(target.resolve("model.safetensors"), tensors);
        return target;
    }
}
