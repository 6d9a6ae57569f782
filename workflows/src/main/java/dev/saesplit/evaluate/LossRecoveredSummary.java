package dev.saesplit.evaluate;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How much of the language model's next-token loss an SAE keeps when its reconstruction replaces the activation at
 * the hook, on held-out contexts: SAELens's "CE loss score".
 *
 * @param tokens            tokens whose next-token loss was measured
 * @param ceClean           mean cross-entropy (nats) of the unchanged model
 * @param ceSpliced         with the SAE's reconstruction spliced in at the hook
 * @param ceZeroAblated     with the hook's activation replaced by zeros
 * @param fractionRecovered {@code (ceZeroAblated - ceSpliced) / (ceZeroAblated - ceClean)}: 1 when the SAE is
 *                          lossless, 0 when it is no better than zeros
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LossRecoveredSummary(long tokens, double ceClean, double ceSpliced, double ceZeroAblated,
                                   double fractionRecovered) {

    public static final String FILE_NAME = "loss_recovered.json";
}
