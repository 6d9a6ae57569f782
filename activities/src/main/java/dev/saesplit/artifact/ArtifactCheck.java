package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;

import java.nio.file.Path;

/**
 * What a full check of one recorded artifact found.
 *
 * @param detail for a failed check, what differs; empty otherwise
 */
public record ArtifactCheck(ArtifactRef artifact, Path directory, Status status, String detail) {

    public enum Status { OK, MISSING, MISMATCH }

    public boolean ok() {
        return status == Status.OK;
    }
}
