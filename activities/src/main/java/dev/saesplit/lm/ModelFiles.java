package dev.saesplit.lm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Where a model's weights and {@code config.json} are, given either its directory or its weights file (with
 * the config beside it), and which container the weights are in. The container is told by the file's first
 * bytes, not its name: {@code torch.save} archives are zips whatever their extension ({@code .pth},
 * {@code .pt}, {@code pytorch_model.bin}).
 */
record ModelFiles(Path weights, Path config) {

    static final String CONFIG_FILE = "config.json";
    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
    private static final List<String> TORCH_EXTENSIONS = List.of(".pth", ".pt", ".bin");
    /** Files HuggingFace and training scripts keep beside the weights that are not weights. */
    private static final List<String> NOT_WEIGHTS = List.of("training_args.bin", "optimizer.pt", "scheduler.pt");

    static ModelFiles locate(Path modelPath) {
        if (Files.isDirectory(modelPath)) {
            return new ModelFiles(weightsIn(modelPath), modelPath.resolve(CONFIG_FILE));
        }
        if (!Files.isRegularFile(modelPath)) {
            throw new ModelWeightsException(modelPath, "file", "does not exist");
        }
        Path parent = modelPath.toAbsolutePath().getParent();
        return new ModelFiles(modelPath, parent.resolve(CONFIG_FILE));
    }

    /** Opens the weights in the container their first bytes announce. */
    TensorSource open() {
        return isZip(weights) ? PthSource.open(weights) : SafetensorsSource.open(weights);
    }

    /** A directory's one safetensors file, or else its one PyTorch file. */
    private static Path weightsIn(Path directory) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        List<Path> safetensors = files.stream().filter(f -> name(f).endsWith(".safetensors")).toList();
        List<Path> torch = files.stream()
                .filter(f -> TORCH_EXTENSIONS.stream().anyMatch(name(f)::endsWith))
                .filter(f -> !NOT_WEIGHTS.contains(name(f)))
                .toList();
        List<Path> candidates = safetensors.isEmpty() ? torch : safetensors;
        if (candidates.size() != 1) {
            throw new ModelWeightsException(directory, "weights", (candidates.isEmpty() ? "no" : "several")
                    + " weight files found " + candidates.stream().map(ModelFiles::name).toList()
                    + "; expected one *.safetensors or one of " + TORCH_EXTENSIONS + " (or pass the file itself)");
        }
        return candidates.get(0);
    }

    private static boolean isZip(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(ZIP_MAGIC.length), ZIP_MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String name(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT);
    }
}
