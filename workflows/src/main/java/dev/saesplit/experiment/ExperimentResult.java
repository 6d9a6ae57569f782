package dev.saesplit.experiment;

import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.table.RunStatus;

import java.util.List;

/**
 * A finished experiment.
 *
 * @param experiment   its name
 * @param status       succeeded when every row did, failed otherwise
 * @param narrow       the narrow SAE
 * @param targetLatent the studied latent's index; -1 when the run stopped at the narrow SAE
 * @param filtered     the filtered tokens, or {@code null} when no row used them
 * @param runs         each row's outcome, in run-table order; empty when the run stopped at the narrow SAE
 */
public record ExperimentResult(String experiment, RunStatus status, SaeRef narrow, int targetLatent,
                               FilteredDataRef filtered, List<RunOutcome> runs) {
}
