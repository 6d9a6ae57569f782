package dev.saesplit.data.synthetic;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.artifact.ArtifactCorruptException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /**
     * Reads the ground truth written beside the activations in {@code directory}; a user's file is refused naming
     * the file and field ({@link GroundTruthFile}).
     */
    public static GroundTruth load(Path directory) {
        GroundTruthDocument document = GroundTruthFile.read(directory);
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

    /**
     * The folder where an {@code npy} source's ground truth lies, if it has one: its first file's, the folder a
     * generator writes the activations and their ground truth into.
     */
    public static Path folderOf(List<Path> npyFiles) {
        Path parent = npyFiles.get(0).toAbsolutePath().normalize().getParent();
        return parent == null ? Path.of("/") : parent;
    }

    /** Whether {@code directory} holds a ground truth beside its activations. */
    public static boolean isBeside(Path directory) {
        return Files.exists(directory.resolve(GroundTruthDocument.FILE_NAME));
    }

    /**
     * The ground truth beside {@code rows × dIn} activations (an {@code npy} source's folder), with every file it
     * names opened and checked against them: the config's tokens and width, the directions, the child labels and,
     * where recorded, what fired on every token.
     */
    public static GroundTruth checkBeside(Path directory, long rows, int dIn) {
        GroundTruth truth = load(directory);
        Path document = directory.resolve(GroundTruthDocument.FILE_NAME);
        if (truth.config().tokens() != rows) {
            throw new ArtifactCorruptException(document, "config.tokens", "is not " + rows + ", the number of "
                    + "activation rows it describes");
        }
        if (truth.config().dIn() != dIn) {
            throw new ArtifactCorruptException(document, "config.d_in", "is not " + dIn + ", the activations' "
                    + "width");
        }
        FeatureActivity.open(directory, truth);
        return truth;
    }

    /** The files of the ground truth in {@code directory}: the document first, then each file it names. */
    public static List<String> fileNames(Path directory) {
        GroundTruthDocument document = GroundTruthFile.read(directory);
        List<String> names = new ArrayList<>(List.of(GroundTruthDocument.FILE_NAME, document.directionsFile(),
                document.childLabelsFile()));
        if (document.featureActivityFile() != null) {
            names.add(document.featureActivityFile());
        }
        return names.stream().distinct().toList();
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
