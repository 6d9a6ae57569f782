package dev.saesplit.train;

import java.nio.file.Path;

/** A checkpoint that is complete on disk: its directory and the number of steps it holds. */
public record CheckpointInfo(Path directory, long step) {
}
