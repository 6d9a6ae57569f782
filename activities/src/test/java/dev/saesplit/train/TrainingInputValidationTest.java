package dev.saesplit.train;

import dev.saesplit.data.BatchStream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrainingInputValidationTest {

    private static final TrainerConfig CONFIG = TrainerConfig.builder(4).lrWarmupSteps(1).l1WarmupSteps(1).build();

    @Test
    void activationsOfAnotherWidthThanTheSaeAreRejectedNamingBothWidths() {
        float[] rows = new float[8 * 20];
        try (BatchStream stream = InMemoryBatchStream.over(rows, 20, 8, 1)) {
            ActivationWidthMismatchException e = assertThrows(ActivationWidthMismatchException.class,
                    () -> SaeTrainer.start(CONFIG, SaeTrainerTest.freshSae(1), stream, TrainingListener.NONE,
                            Optional.empty()));

            assertTrue(e.getMessage().contains("d_in=20") && e.getMessage().contains("d_in=16")
                    && e.getMessage().contains("hook 'planted'"), e.getMessage());
        }
    }

    @Test
    void aNanActivationStopsTrainingBeforeAnyUpdateNamingStepColumnAndCursor() {
        float[] rows = new float[8 * 16];
        for (int row = 0; row < 8; row++) {
            rows[row * 16 + 3] = Float.NaN; // every row is bad in column 3, so batch row 0 is the first hit
        }
        try (BatchStream stream = InMemoryBatchStream.over(rows, 16, 8, 2);
             SaeTrainer trainer = SaeTrainer.start(CONFIG, SaeTrainerTest.freshSae(2), stream,
                     TrainingListener.NONE, Optional.empty())) {
            NonFiniteActivationException e = assertThrows(NonFiniteActivationException.class, trainer::run);

            assertEquals("batch of step 0 holds NaN at batch row 0, column 3 (data cursor before the batch: "
                    + "epoch 0, position 0)", e.getMessage());
            assertEquals(0, trainer.step());
            assertTrue(trainer.currentWeights().bitwiseEquals(SaeTrainerTest.freshSae(2)), "weights untouched");
        }
    }

    @Test
    void aZeroTargetLatentOutsideTheSaeIsRejected() {
        float[] rows = new float[8 * 16];
        TrainerConfig config = CONFIG.toBuilder().zeroTargetLatent(24).build();
        try (BatchStream stream = InMemoryBatchStream.over(rows, 16, 8, 3)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SaeTrainer.start(config, SaeTrainerTest.freshSae(3), stream, TrainingListener.NONE,
                            Optional.empty()));

            assertEquals("zero-target latent 24 outside the SAE's 24 latents", e.getMessage());
        }
    }
}
