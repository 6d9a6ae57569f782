package dev.saesplit.artifact;

import dev.saesplit.files.BadFileException;

import java.nio.file.Path;

/**
 * A stored artifact (SAE weights, config, checkpoint, activation shard) cannot be used as it is: missing,
 * truncated, failing its checksum, or holding a tensor or field of the wrong name, shape or type. The message
 * names the file and the item. Retrying cannot fix it, so workflows do not retry it.
 */
public class ArtifactCorruptException extends BadFileException {

    private final String item;

    public ArtifactCorruptException(Path file, String item, String problem) {
        this(file, item, problem, null);
    }

    public ArtifactCorruptException(Path file, String item, String problem, Throwable cause) {
        super(file, file + ": " + item, problem, cause);
        this.item = item;
    }

    /** The tensor, field or shard at fault, or the part of the file (e.g. "header"). */
    public String item() {
        return item;
    }
}
