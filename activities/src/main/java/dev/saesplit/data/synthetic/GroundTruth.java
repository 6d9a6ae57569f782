package dev.saesplit.data.synthetic;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.artifact.ArtifactCorruptException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The known answer for generated data: every feature direction, which features are parents, and each parent's
 * children. Loaded from the files a {@link SyntheticHierarchy} writes beside its activations.
 *
 * @param config     the generator's parameters
 * @param parents    each parent with its children
 * @param directions unit feature directions, row-major {@code [features, dIn]}
 */
public record GroundTruth(SyntheticHierarchyConfig config, List<HierarchyParent> parents, float[] directions) {

    public static final String DIRECTIONS_FILE = "directions.npy";
    public static final String CHILD_LABELS_FILE = "child_labels.npy";

    public GroundTruth {
        parents = List.copyOf(parents);
        if (directions.length != config.features() * config.dIn()) {
            throw new IllegalArgumentException("directions hold " + directions.length + " floats, expected "
                    + config.features() + " × " + config.dIn());
        }
        directions = directions.clone();
    }

    @Override
    public float[] directions() {
        return directions.clone();
    }

    /** A copy of feature {@code feature}'s unit direction. */
    public float[] direction(int feature) {
        int d = config.dIn();
        return Arrays.copyOfRange(directions, feature * d, (feature + 1) * d);
    }

    public boolean isParent(int feature) {
        return feature >= 0 && feature < config.parents();
    }

    /** Reads the ground truth written beside the activations in {@code directory}. */
    public static GroundTruth load(Path directory) {
        Path documentFile = directory.resolve(GroundTruthDocument.FILE_NAME);
        GroundTruthDocument document = JsonArtifacts.read(documentFile, GroundTruthDocument.class);
        if (document.formatVersion() != GroundTruthDocument.FORMAT_VERSION || document.config() == null
                || document.parents() == null) {
            throw new ArtifactCorruptException(documentFile, "content",
                    "not a version " + GroundTruthDocument.FORMAT_VERSION + " ground truth with config and parents");
        }
        SyntheticHierarchyConfig config = document.config();
        Path directionsFile = directory.resolve(document.directionsFile());
        MappedNpyArray array;
        try {
            array = MappedNpyArray.open(directionsFile, Set.of(NpyDtype.FLOAT32), Set.of(2));
        } catch (ActivationFormatException e) {
            throw new ArtifactCorruptException(directionsFile, "directions", e.problem(), e);
        }
        if (array.rows() != config.features() || array.rowLength() != config.dIn()) {
            throw new ArtifactCorruptException(directionsFile, "directions", "holds " + array.rows() + " × "
                    + array.rowLength() + " directions, the config says " + config.features() + " × " + config.dIn());
        }
        float[] directions = new float[config.features() * config.dIn()];
        array.readFloats(0, config.features(), directions, 0);
        return new GroundTruth(config, document.parents(), directions);
    }

    /** Opens the per-token child labels written beside the activations in {@code directory}. */
    public static ChildLabels openChildLabels(Path directory) {
        return ChildLabels.open(directory.resolve(CHILD_LABELS_FILE));
    }

    void write(Path directory) throws IOException {
        JsonArtifacts.write(directory.resolve(GroundTruthDocument.FILE_NAME), new GroundTruthDocument(
                GroundTruthDocument.FORMAT_VERSION, config, TokenSampler.MIN_MAGNITUDE, TokenSampler.MAX_MAGNITUDE,
                GroundTruthDocument.CHILD_RULE, parents, DIRECTIONS_FILE, CHILD_LABELS_FILE, null));
    }
}
