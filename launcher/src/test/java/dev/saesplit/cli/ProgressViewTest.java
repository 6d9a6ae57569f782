package dev.saesplit.cli;

import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.TrainingProgress;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lines {@code saesplit run} draws for caching and training. */
class ProgressViewTest {

    @Test
    void cachingIsABarOfTokens() {
        assertEquals("experiment   activations ######.................. 1024/4096 tokens",
                ProgressView.render("experiment", new StageProgress("activations",
                        new TrainingProgress(1024, 4096, Double.NaN), false)));
    }

    @Test
    void trainingIsABarOfStepsWithTheLoss() {
        assertEquals("run 1        train      ############............ 50/100 steps  loss 0.2500",
                ProgressView.render("run 1", new StageProgress("train", new TrainingProgress(50, 100, 0.25), false)));
    }

    @Test
    void cachingBeforeItsFirstHeartbeatIsJustTheStage() {
        assertEquals("experiment   activations", ProgressView.render("experiment",
                new StageProgress("activations", TrainingProgress.NONE, false)));
    }

    @Test
    void aTrainingWaitingForAWorkerSlotIsQueuedWithoutABar() {
        assertEquals("run 4        queued", ProgressView.render("run 4",
                new StageProgress(ProgressQueries.QUEUED_STAGE, TrainingProgress.NONE, false)).strip());
    }
}
