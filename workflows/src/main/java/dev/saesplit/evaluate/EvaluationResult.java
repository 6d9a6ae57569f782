package dev.saesplit.evaluate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.table.SplitOutcome;

/**
 * A row's evaluation, as workflows carry it; every number behind it is in the report artifact's
 * {@code split_report.json}.
 *
 * @param all                 reconstruction on all held-out tokens
 * @param filtered            reconstruction on the held-out tokens where the target fires
 * @param children            wide latents counted as children
 * @param distinctChildren    children once those firing together count once
 * @param coverage            P(some child fires | target fires)
 * @param outcome             the behavioural verdict
 * @param reason              why, in one line
 * @param groundTruthOutcome  the exact verdict on synthetic data, or {@code null} without ground truth
 * @param groundTruthReason   why, or {@code null}
 * @param report              the evaluation artifact holding {@code split_report.json}
 * @param lossRecovered       the language model's loss with the SAE spliced in, or {@code null} without a model
 */
// Results recorded by earlier versions carry fields since dropped (mse, detail…): ignored, so histories replay.
@JsonIgnoreProperties(ignoreUnknown = true)
public record EvaluationResult(ReconstructionSummary all, ReconstructionSummary filtered, int children,
                               int distinctChildren, double coverage, SplitOutcome outcome, String reason,
                               SplitOutcome groundTruthOutcome, String groundTruthReason, ArtifactRef report,
                               LossRecoveredSummary lossRecovered) {
}
