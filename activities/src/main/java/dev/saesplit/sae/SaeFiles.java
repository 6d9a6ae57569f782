package dev.saesplit.sae;

import dev.saesplit.artifact.ArtifactCorruptException;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An SAE a user names by path, in either format saesplit reads: a directory in the SAELens layout, or a
 * {@code N.pt} of Neel Nanda's 1L-Sparse-Autoencoder with {@code N_cfg.json} beside it. Everything that reads a
 * user's SAE goes through here, so both formats are accepted, and checked, alike.
 */
public final class SaeFiles {

    private SaeFiles() {
    }

    public static SaeWeights read(Path path) {
        return NeelSaeFormat.names(path) ? NeelSaeFormat.read(path) : SaeLensFormat.read(requireDirectory(path));
    }

    /** The SAE's config after the header-only checks of {@link SaeLensFormat#inspect} or {@link NeelSaeFormat#inspect}. */
    public static SaeConfig inspect(Path path) {
        return NeelSaeFormat.names(path) ? NeelSaeFormat.inspect(path) : SaeLensFormat.inspect(requireDirectory(path));
    }

    private static Path requireDirectory(Path path) {
        if (Files.exists(path) && !Files.isDirectory(path)) {
            throw new ArtifactCorruptException(path, "path", "is neither an SAE directory "
                    + "(SAELens layout: cfg.json and " + SaeLensFormat.WEIGHTS_FILE + ") nor a .pt file with its "
                    + NeelSaeFormat.CONFIG_SUFFIX + " beside it (" + NeelSaeFormat.FORMAT_NAME + ")");
        }
        return path;
    }
}
