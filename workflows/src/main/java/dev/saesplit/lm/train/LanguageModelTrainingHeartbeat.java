package dev.saesplit.lm.train;

/**
 * What a language-model training heartbeats: how far it is, for the progress lines of {@code run} and
 * {@code status}. A retried attempt finds its checkpoints in the content key's work directory, so the details
 * carry no checkpoint path. Details heartbeated before the held-out and time-left fields existed read them as 0.
 *
 * @param step        optimiser steps done
 * @param totalSteps  optimiser steps in all
 * @param loss        the latest step's training loss, NaN before the first
 * @param heldOutStep the step of the latest held-out evaluation, 0 before the first
 * @param heldOutLoss that evaluation's mean next-token cross-entropy (nats), NaN before the first
 * @param secondsLeft the steps left at this attempt's pace so far, -1 until a step of this attempt is done
 * @param documentsRead before the first step: the corpus's documents read and tokenized so far
 * @param documents   the corpus's documents; 0 until it is being read
 */
public record LanguageModelTrainingHeartbeat(long step, long totalSteps, double loss, long heldOutStep,
                                             double heldOutLoss, long secondsLeft, long documentsRead,
                                             long documents) {

    /** Before the first step: the corpus is being read and the baselines measured. */
    public static LanguageModelTrainingHeartbeat starting(long totalSteps) {
        return new LanguageModelTrainingHeartbeat(0, totalSteps, Double.NaN, 0, Double.NaN, -1, 0, 0);
    }

    public LanguageModelTrainingHeartbeat reading(long newDocumentsRead, long newDocuments) {
        return new LanguageModelTrainingHeartbeat(step, totalSteps, loss, heldOutStep, heldOutLoss, secondsLeft,
                newDocumentsRead, newDocuments);
    }

    public LanguageModelTrainingHeartbeat trained(long newStep, double newLoss, long newSecondsLeft) {
        return new LanguageModelTrainingHeartbeat(newStep, totalSteps, newLoss, heldOutStep, heldOutLoss,
                newSecondsLeft, documentsRead, documents);
    }

    public LanguageModelTrainingHeartbeat evaluated(long atStep, double newHeldOutLoss) {
        return new LanguageModelTrainingHeartbeat(step, totalSteps, loss, atStep, newHeldOutLoss, secondsLeft,
                documentsRead, documents);
    }
}
