package dev.saesplit.artifact;

import dev.saesplit.pipeline.BadInput;

import java.nio.file.Path;

/**
 * A path that should name a file in the artifact store resolves (after following symlinks) outside it: reading,
 * copying or uploading it could hand any file the process can read to whoever reads the tracking server.
 */
public final class ArtifactOutsideRootException extends RuntimeException implements BadInput {

    public ArtifactOutsideRootException(Path path, Path resolved, Path root) {
        super("artifact path " + path + (resolved.equals(path) ? "" : " resolves to " + resolved)
                + ", outside the artifact root " + root + "; refusing to read or upload it");
    }
}
