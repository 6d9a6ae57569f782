package dev.saesplit.lm.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.artifact.StagedDirectory;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A language-model training's checkpoints under one folder, {@code step-<12 digits>} each, written into a
 * {@link StagedDirectory} and renamed into place, so a folder with a step name is always complete. Inside: the
 * parameters ({@value #PARAMETERS_FILE}, TransformerLens names), Adam's moments ({@value #OPTIMIZER_FILE}) and
 * {@value #STATE_FILE} (the step and Adam's update count). Nothing else is needed to resume exactly: the data
 * order is a function of the seed and the step. The newest {@value #KEEP} are kept.
 */
final class LmCheckpoints {

    static final String PARAMETERS_FILE = "parameters.safetensors";
    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String STATE_FILE = "state.json";
    private static final int KEEP = 2;
    private static final int FORMAT_VERSION = 1;
    private static final Pattern STEP_NAME = Pattern.compile("step-(\\d{12})");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A checkpoint read back. */
    record Checkpoint(Path directory, long step, long adamUpdates, Map<String, float[]> parameters,
                      Map<String, float[]> moments) {
    }

    private final Path root;

    LmCheckpoints(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The newest complete checkpoint's folder and step, if any. */
    Optional<Path> latest() {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(c -> STEP_NAME.matcher(c.getFileName().toString()).matches())
                    .filter(Files::isDirectory)
                    .max(Comparator.comparing(c -> c.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + root, e);
        }
    }

    Path write(long step, long adamUpdates, List<NamedTensor> parameters, List<NamedTensor> moments) {
        Path target = root.resolve(String.format("step-%012d", step));
        try {
            Files.createDirectories(root);
            if (!Files.isDirectory(target)) {
                try (StagedDirectory staging = StagedDirectory.create(root, target.getFileName().toString())) {
                    Path temp = staging.directory();
                    SafetensorsWriter.write(temp.resolve(PARAMETERS_FILE), parameters);
                    SafetensorsWriter.write(temp.resolve(OPTIMIZER_FILE), moments);
                    ObjectNode state = JSON.createObjectNode();
                    state.put("format_version", FORMAT_VERSION);
                    state.put("step", step);
                    state.put("adam_updates", adamUpdates);
                    Files.writeString(temp.resolve(STATE_FILE), JSON.writeValueAsString(state));
                    staging.commit(target);
                }
            }
            pruneOld();
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    static Checkpoint read(Path directory) {
        Path stateFile = directory.resolve(STATE_FILE);
        JsonNode state;
        try {
            state = JSON.readTree(Files.readString(stateFile));
        } catch (IOException e) {
            throw new ArtifactCorruptException(stateFile, "content", "cannot be read: " + e.getMessage(), e);
        }
        Matcher name = STEP_NAME.matcher(directory.getFileName().toString());
        if (!state.path("step").canConvertToLong() || !state.path("adam_updates").canConvertToLong()
                || (name.matches() && Long.parseLong(name.group(1)) != state.path("step").asLong())) {
            throw new ArtifactCorruptException(stateFile, "step", "missing, or not the step the folder is named for");
        }
        return new Checkpoint(directory, state.get("step").asLong(), state.get("adam_updates").asLong(),
                values(directory.resolve(PARAMETERS_FILE)), values(directory.resolve(OPTIMIZER_FILE)));
    }

    private static Map<String, float[]> values(Path file) {
        Map<String, float[]> values = new LinkedHashMap<>();
        SafetensorsReader.readAll(file).forEach((name, tensor) -> values.put(name, tensor.values()));
        return values;
    }

    private void pruneOld() throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            children.filter(c -> STEP_NAME.matcher(c.getFileName().toString()).matches()).sorted().forEach(all::add);
        }
        for (int i = 0; i < all.size() - KEEP; i++) {
            StagedDirectory.deleteTree(all.get(i));
        }
    }
}
