package dev.saesplit.data.synthetic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.files.RegularFiles;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code ground_truth.json}, which may be a user's file (a hierarchy drawn elsewhere, handed over beside
 * {@code .npy} activations): read to at most {@link #MAX_BYTES}, every field typed and checked, and each refusal
 * names the file and the field without quoting the file's content. The hierarchy must follow the layout the
 * judge relies on: parents are features {@code [0, P)} and parent p's children {@code [P + p·K, P + (p+1)·K)};
 * the files it names lie in the same folder.
 */
final class GroundTruthFile {

    /** A hierarchy of a few thousand parents fits many times over; a larger file is not one of ours. */
    static final int MAX_BYTES = 1 << 20;
    private static final int MAX_NAME = 255;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final JsonNode root;

    private GroundTruthFile(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** The checked document in {@code directory}. */
    static GroundTruthDocument read(Path directory) {
        Path file = directory.resolve(GroundTruthDocument.FILE_NAME);
        JsonNode root;
        try {
            root = JSON.readTree(RegularFiles.read(file, MAX_BYTES));
        } catch (NoSuchFileException e) {
            throw new ArtifactCorruptException(file, "file", "does not exist");
        } catch (JsonProcessingException e) {
            throw new ArtifactCorruptException(file, "content", "is not valid JSON (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        } catch (IOException e) {
            throw new ArtifactCorruptException(file, "file", "cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ArtifactCorruptException(file, "content", "is not a JSON object");
        }
        return new GroundTruthFile(file, root).document();
    }

    private GroundTruthDocument document() {
        long version = whole(root, "format_version", 1, Integer.MAX_VALUE);
        if (version != GroundTruthDocument.FORMAT_VERSION) {
            throw refuse("format_version", "is not " + GroundTruthDocument.FORMAT_VERSION + ", the version this "
                    + "saesplit reads");
        }
        SyntheticHierarchyConfig config = config(object(root, "config"));
        List<HierarchyParent> parents = parents(config);
        return new GroundTruthDocument(GroundTruthDocument.FORMAT_VERSION, config,
                (float) number(root, "magnitude_min", 0), (float) number(root, "magnitude_max", 0),
                optionalText(root, "child_rule"), parents, fileName("directions_file", true),
                fileName("child_labels_file", true), fileName("feature_activity_file", false));
    }

    private SyntheticHierarchyConfig config(JsonNode config) {
        int dIn = (int) whole(config, "d_in", 1, Integer.MAX_VALUE, "config.");
        int features = (int) whole(config, "features", 1, Integer.MAX_VALUE, "config.");
        int parents = (int) whole(config, "parents", 1, Integer.MAX_VALUE, "config.");
        int children = (int) whole(config, "children_per_parent", 1, Integer.MAX_VALUE, "config.");
        long tokens = whole(config, "tokens", 1, Long.MAX_VALUE, "config.");
        long seed = whole(config, "seed", Long.MIN_VALUE, Long.MAX_VALUE, "config.");
        if ((long) parents * (children + 1) > features) {
            throw refuse("config.features", "is smaller than parents × (children_per_parent + 1)");
        }
        if ((long) features * dIn > Integer.MAX_VALUE) {
            throw refuse("config.features", "times config.d_in exceeds what a directions file may hold");
        }
        return new SyntheticHierarchyConfig(dIn, features, parents, children,
                probability(config, "firing_probability"), probability(config, "parent_firing_probability"),
                probability(config, "child_probability"), tokens, seed);
    }

    /** The parents, which must be laid out as the config says (the judge finds a child's parent by index). */
    private List<HierarchyParent> parents(SyntheticHierarchyConfig config) {
        JsonNode list = root.get("parents");
        if (list == null || !list.isArray() || list.size() != config.parents()) {
            throw refuse("parents", "is not a list of config.parents = " + config.parents() + " entries");
        }
        List<HierarchyParent> parents = new ArrayList<>();
        for (int p = 0; p < config.parents(); p++) {
            String field = "parents[" + p + "]";
            JsonNode entry = list.get(p);
            if (!entry.isObject() || whole(entry, "feature", 0, Integer.MAX_VALUE, field + ".") != p) {
                throw refuse(field + ".feature", "is not " + p + ": parents are features 0 to config.parents - 1, "
                        + "in order");
            }
            JsonNode children = entry.get("children");
            int first = config.firstChildOf(p);
            boolean laidOut = children != null && children.isArray() && children.size() == config.childrenPerParent();
            for (int k = 0; laidOut && k < children.size(); k++) {
                laidOut = children.get(k).isIntegralNumber() && children.get(k).canConvertToInt()
                        && children.get(k).intValue() == first + k;
            }
            if (!laidOut) {
                throw refuse(field + ".children", "are not features " + first + " to "
                        + (first + config.childrenPerParent() - 1) + ": parent p's children follow the parents, "
                        + "config.children_per_parent of them per parent, in order");
            }
            List<Integer> indices = new ArrayList<>();
            for (int k = 0; k < config.childrenPerParent(); k++) {
                indices.add(first + k);
            }
            parents.add(new HierarchyParent(p, indices));
        }
        return parents;
    }

    /** A file in the same folder: a plain name, never a path that could lead elsewhere. */
    private String fileName(String field, boolean required) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw refuse(field, "is missing");
            }
            return null;
        }
        String name = value.isTextual() ? value.textValue() : "";
        boolean plain = !name.isEmpty() && name.length() <= MAX_NAME && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c));
        if (!plain) {
            throw refuse(field, "must be the name of a file in the same folder (no path)");
        }
        return name;
    }

    private JsonNode object(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || !value.isObject()) {
            throw refuse(field, "missing or not a JSON object");
        }
        return value;
    }

    private long whole(JsonNode node, String field, long min, long max) {
        return whole(node, field, min, max, "");
    }

    private long whole(JsonNode node, String field, long min, long max, String prefix) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
                || value.longValue() > max) {
            throw refuse(prefix + field, "missing or not a whole number"
                    + (min == 1 ? " of at least 1" : min == 0 ? " of at least 0" : ""));
        }
        return value.longValue();
    }

    private double probability(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber() || !(value.doubleValue() > 0 && value.doubleValue() <= 1)) {
            throw refuse("config." + field, "missing or not a probability in (0, 1]");
        }
        return value.doubleValue();
    }

    private double number(JsonNode node, String field, double absent) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw refuse(field, "is not a finite number");
        }
        return value.doubleValue();
    }

    private String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw refuse(field, "is not a string");
        }
        return value.textValue();
    }

    private ArtifactCorruptException refuse(String field, String problem) {
        return new ArtifactCorruptException(file, field, problem);
    }
}
