package dev.saesplit.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.data.BatchCursor;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.artifact.PublishedCheckpoints;
import dev.saesplit.artifact.StagedDirectory;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Checkpoint directories under one root, named {@code step-<12 digits>}. Each is written into a
 * {@link StagedDirectory}, fsynced and renamed into place, so a directory with a step name is always complete,
 * even after a crash or power loss. The newest
 * {@code keep} checkpoints are kept. Inside: the SAE in SAELens layout, {@value #OPTIMIZER_FILE},
 * {@value #FIRING_FILE} and {@value #STATE_FILE}.
 *
 * <p>With a shared artifact store, each checkpoint is also published there once complete on local disk, and
 * {@link #latest} downloads a published checkpoint newer than any local one: an attempt retried on another machine
 * resumes where its predecessor got to.
 */
public final class CheckpointStore {

    static final String OPTIMIZER_FILE = "optimizer.safetensors";
    static final String FIRING_FILE = "firing.safetensors";
    static final String STATE_FILE = "trainer_state.json";
    private static final Pattern STEP_NAME = Pattern.compile("step-(\\d{12})");
    private static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int keep;
    private final Optional<PublishedCheckpoints> published;

    public CheckpointStore(Path root, int keep) {
        this(root, keep, Optional.empty());
    }

    /** As above, publishing every checkpoint to {@code published} and resuming from it too. */
    public CheckpointStore(Path root, int keep, Optional<PublishedCheckpoints> published) {
        if (keep < 1) {
            throw new IllegalArgumentException("a checkpoint store must keep at least one checkpoint, was " + keep);
        }
        this.root = root;
        this.keep = keep;
        this.published = published;
    }

    /** A store keeping the two newest checkpoints. */
    public static CheckpointStore at(Path root) {
        return new CheckpointStore(root, 2);
    }

    public Path root() {
        return root;
    }

    /** Whether checkpoints are published to a shared store as well as written here. */
    public boolean publishes() {
        return published.isPresent();
    }

    /**
     * The newest complete checkpoint, if any: the newest local one, unless a newer one is published to the shared
     * store, which is then downloaded (checked against its content hash) into this store first.
     */
    public Optional<CheckpointInfo> latest() {
        Optional<CheckpointInfo> local = list().stream().max(Comparator.comparingLong(CheckpointInfo::step));
        Optional<PublishedCheckpoints.Published> remote = published.flatMap(PublishedCheckpoints::latest);
        if (remote.isEmpty() || local.isPresent() && local.get().step() >= remote.get().step()) {
            return local;
        }
        Path target = root.resolve(stepName(remote.get().step()));
        try {
            Files.createDirectories(root);
            try (StagedDirectory staging = StagedDirectory.create(root, target.getFileName().toString())) {
                published.get().download(remote.get(), staging.directory());
                staging.commit(target); // losing to a concurrent download of the same step leaves an equal copy
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot place checkpoint " + target, e);
        }
        return Optional.of(new CheckpointInfo(target, remote.get().step()));
    }

    /** All complete checkpoints, oldest first. */
    public List<CheckpointInfo> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            List<CheckpointInfo> found = new ArrayList<>();
            children.forEach(child -> {
                Matcher matcher = STEP_NAME.matcher(child.getFileName().toString());
                if (matcher.matches() && Files.isDirectory(child)) {
                    found.add(new CheckpointInfo(child, Long.parseLong(matcher.group(1))));
                }
            });
            found.sort(Comparator.comparingLong(CheckpointInfo::step));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + root, e);
        }
    }

    /**
     * Writes {@code snapshot} as the checkpoint of its step, with the SAE's {@code log10FiringFrequency} beside
     * its weights as SAELens keeps it (a resume does not read it back).
     */
    CheckpointInfo write(TrainerSnapshot snapshot, float[] log10FiringFrequency) {
        return write(snapshot.step(), directory -> writeSnapshot(directory, new Member(snapshot, log10FiringFrequency)));
    }

    /** One training's part of a checkpoint: its state and the firing frequencies saved beside its weights. */
    record Member(TrainerSnapshot snapshot, float[] log10FiringFrequency) {
    }

    /**
     * Writes one checkpoint holding several trainings at the same {@code step}, each in the subdirectory named by
     * its key in {@code members} ({@link #member} finds it again): trainings that step in lockstep are saved, kept,
     * published and resumed together, as one.
     */
    CheckpointInfo writeGroup(long step, Map<String, Member> members) {
        return write(step, directory -> {
            for (Map.Entry<String, Member> member : members.entrySet()) {
                if (member.getValue().snapshot().step() != step) {
                    throw new IllegalArgumentException("training " + member.getKey() + " is at step "
                            + member.getValue().snapshot().step() + ", not at the group checkpoint's step " + step);
                }
                Path memberDirectory = Files.createDirectory(directory.resolve(member.getKey()));
                writeSnapshot(memberDirectory, member.getValue());
            }
        });
    }

    /** The checkpoint of training {@code name} inside the group checkpoint {@code group}, if it holds one. */
    static Optional<CheckpointInfo> member(CheckpointInfo group, String name) {
        Path directory = group.directory().resolve(name);
        return Files.isDirectory(directory) ? Optional.of(new CheckpointInfo(directory, group.step()))
                : Optional.empty();
    }

    /** Fills a checkpoint's staging directory. */
    private interface Contents {
        void writeInto(Path directory) throws IOException;
    }

    private CheckpointInfo write(long step, Contents contents) {
        Path target = root.resolve(stepName(step));
        try {
            Files.createDirectories(root);
            if (Files.isDirectory(target)) {
                // The same step of the same run yields the same state; the existing copy is complete.
                return new CheckpointInfo(target, step);
            }
            // A retried attempt of the same run that got there first wrote this step's identical state.
            try (StagedDirectory staging = StagedDirectory.create(root, target.getFileName().toString())) {
                contents.writeInto(staging.directory());
                staging.commit(target);
            }
            pruneOld();
            published.ifPresent(p -> p.publish(target, step));
            return new CheckpointInfo(target, step);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + target, e);
        }
    }

    private static void writeSnapshot(Path directory, Member member) throws IOException {
        TrainerSnapshot snapshot = member.snapshot();
        SaeLensFormat.write(directory, snapshot.weights(), member.log10FiringFrequency());
        SafetensorsWriter.write(directory.resolve(OPTIMIZER_FILE), snapshot.adamMoments());
        SafetensorsWriter.write(directory.resolve(FIRING_FILE), snapshot.firing().tensors());
        Files.writeString(directory.resolve(STATE_FILE), JSON.writeValueAsString(stateJson(snapshot)));
    }

    private static String stepName(long step) {
        return String.format("step-%012d", step);
    }

    /** Reads the checkpoint in {@code directory}. */
    static StoredCheckpoint read(CheckpointInfo info) {
        Path directory = info.directory();
        Path stateFile = directory.resolve(STATE_FILE);
        JsonNode state;
        try {
            state = JSON.readTree(Files.readString(stateFile));
        } catch (NoSuchFileException e) {
            throw new ArtifactCorruptException(stateFile, "file", "does not exist; not a checkpoint directory", e);
        } catch (IOException e) {
            throw new ArtifactCorruptException(stateFile, "content", "cannot be read as JSON: " + e.getMessage(), e);
        }
        JsonNode firing = state.path("firing");
        JsonNode frequency = firing.path("last_window_frequency");
        Optional<double[]> lastWindowFrequency = Optional.empty();
        if (frequency.isArray()) {
            double[] values = new double[frequency.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = frequency.get(i).asDouble();
            }
            lastWindowFrequency = Optional.of(values);
        }
        return new StoredCheckpoint(info, new TrainerSnapshot(
                SaeLensFormat.read(directory),
                tensors(directory.resolve(OPTIMIZER_FILE)),
                requiredLong(state, "adam_updates", stateFile),
                new FiringTracker.FiringState(tensors(directory.resolve(FIRING_FILE)),
                        requiredLong(firing, "steps_in_window", stateFile), lastWindowFrequency),
                requiredLong(state, "step", stateFile),
                requiredLong(state, "tokens_seen", stateFile),
                requiredLong(state, "random_state", stateFile),
                new BatchCursor(requiredLong(state.path("cursor"), "epoch", stateFile),
                        requiredLong(state.path("cursor"), "position", stateFile)),
                Math.toIntExact(requiredLong(state, "batch_size", stateFile)),
                // absent from checkpoints written before the field existed: their trainers tried it every step
                state.path("try_sparse_next").asBoolean(true),
                architectureState(state.path("architecture_state"), stateFile)));
    }

    /** Written as JSON numbers, which Jackson prints and parses back to the same double. */
    private static Map<String, Double> architectureState(JsonNode node, Path file) {
        Map<String, Double> values = new java.util.TreeMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw new ArtifactCorruptException(file, "architecture_state", "not a JSON object");
        }
        node.fields().forEachRemaining(field -> {
            if (!field.getValue().isNumber()) {
                throw new ArtifactCorruptException(file, "architecture_state." + field.getKey(), "not a number");
            }
            values.put(field.getKey(), field.getValue().doubleValue());
        });
        return values;
    }

    private static List<NamedTensor> tensors(Path file) {
        return List.copyOf(SafetensorsReader.readAll(file).values());
    }

    private static ObjectNode stateJson(TrainerSnapshot snapshot) {
        ObjectNode state = JSON.createObjectNode();
        state.put("format_version", FORMAT_VERSION);
        state.put("step", snapshot.step());
        state.put("tokens_seen", snapshot.tokensSeen());
        state.put("adam_updates", snapshot.adamUpdates());
        state.put("random_state", snapshot.randomState());
        state.put("batch_size", snapshot.batchSize());
        state.put("try_sparse_next", snapshot.trySparseNext());
        ObjectNode architecture = state.putObject("architecture_state");
        new java.util.TreeMap<>(snapshot.architectureState()).forEach(architecture::put);
        ObjectNode cursor = state.putObject("cursor");
        cursor.put("epoch", snapshot.cursor().epoch());
        cursor.put("position", snapshot.cursor().position());
        ObjectNode firing = state.putObject("firing");
        firing.put("steps_in_window", snapshot.firing().stepsInWindow());
        if (snapshot.firing().lastWindowFrequency().isPresent()) {
            ArrayNode values = firing.putArray("last_window_frequency");
            for (double value : snapshot.firing().lastWindowFrequency().get()) {
                values.add(value);
            }
        } else {
            firing.putNull("last_window_frequency");
        }
        return state;
    }

    private static long requiredLong(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong()) {
            throw new ArtifactCorruptException(file, field, "missing or not an integer: " + value);
        }
        return value.asLong();
    }

    private void pruneOld() throws IOException {
        List<CheckpointInfo> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            StagedDirectory.deleteTree(all.get(i).directory());
        }
    }
}
