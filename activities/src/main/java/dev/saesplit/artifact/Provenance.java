package dev.saesplit.artifact;

/**
 * Who produced an artifact, recorded beside it.
 *
 * @param producer   the stage (e.g. {@code train})
 * @param experiment the experiment that first needed it
 * @param runId      the run-table row, or empty
 */
public record Provenance(String producer, String experiment, String runId) {
}
