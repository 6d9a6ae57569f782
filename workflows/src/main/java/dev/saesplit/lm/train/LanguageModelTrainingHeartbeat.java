package dev.saesplit.lm.train;

/**
 * What a language-model training heartbeats: how far it is. A retried attempt finds its checkpoints in the
 * content key's work directory, so the details carry no checkpoint path.
 *
 * @param step       optimiser steps done
 * @param totalSteps optimiser steps in all
 * @param loss       the latest step's training loss, NaN before the first
 */
public record LanguageModelTrainingHeartbeat(long step, long totalSteps, double loss) {
}
