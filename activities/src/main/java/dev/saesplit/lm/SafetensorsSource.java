package dev.saesplit.lm;

import dev.saesplit.sae.safetensors.SafetensorsEntry;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A safetensors file as a {@link TensorSource}; F32, F16 and BF16 are read, widened to float. */
final class SafetensorsSource implements TensorSource {

    private final SafetensorsReader reader;

    private SafetensorsSource(SafetensorsReader reader) {
        this.reader = reader;
    }

    static SafetensorsSource open(Path file) {
        return new SafetensorsSource(SafetensorsReader.open(file));
    }

    @Override
    public Path file() {
        return reader.file();
    }

    @Override
    public Map<String, long[]> shapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (SafetensorsEntry entry : reader.entries().values()) {
            shapes.put(entry.name(), entry.shape());
        }
        return shapes;
    }

    @Override
    public float[] read(String name) {
        return reader.read(name).values();
    }

    @Override
    public void close() {
        reader.close();
    }
}
