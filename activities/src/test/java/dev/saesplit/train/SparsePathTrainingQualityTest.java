package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.data.BatchStream;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A whole training run on the quickstart's data and settings (d_in 64, 64 latents, batch 512, λ 1 warmed up
 * over 200 steps) ends at the same loss, within 1 %, whether the step path is chosen per step or always dense;
 * and the automatic choice did take the sparse path once firing became sparse.
 */
class SparsePathTrainingQualityTest {

    private static final int D_IN = 64;
    private static final int WIDTH = 64;
    private static final int BATCH = 512;
    private static final int STEPS = 600;

    @Test
    void theAutomaticPathEndsWithinOnePercentOfTheDensePathsLoss() {
        float[] rows = SyntheticHierarchy.activations(
                SyntheticHierarchyConfig.of(D_IN, 48, 4, 3, 0.02, 100_000, 7).withChildProbability(0.6), 100_000);
        RecordingListener dense = new RecordingListener();
        RecordingListener auto = new RecordingListener();
        long sparseSteps = train(rows, StepPath.DENSE, dense);
        long autoSparseSteps = train(rows, StepPath.AUTO, auto);

        assertEquals(0, sparseSteps);
        assertTrue(autoSparseSteps > STEPS / 4, "the automatic path ran sparse on " + autoSparseSteps + " steps");
        double denseLoss = finalLoss(dense.metrics);
        double autoLoss = finalLoss(auto.metrics);
        assertEquals(denseLoss, autoLoss, 0.01 * denseLoss, "final loss, dense " + denseLoss + " vs auto " + autoLoss);
    }

    private static long train(float[] rows, StepPath path, RecordingListener listener) {
        TrainerConfig config = TrainerConfig.builder(STEPS).learningRate(3e-3).lrWarmupSteps(20).l1WarmupSteps(200)
                .sparsityCoefficient(1.0).logEvery(20).seed(1).stepPath(path).build();
        SaeWeights initial = KaimingInitializer.initialize(
                SaeConfig.of(D_IN, WIDTH, new StandardArchitecture(), "synthetic", "hierarchy"),
                KaimingInitializer.DEFAULT_DECODER_NORM, 1);
        try (BatchStream data = InMemoryBatchStream.over(rows, D_IN, BATCH, 3);
             SaeTrainer trainer = SaeTrainer.start(config, initial, data, listener, Optional.empty())) {
            trainer.run();
            return trainer.sparseSteps();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** MSE + λ·L1 averaged over the last five reports, as the run's final loss. */
    private static double finalLoss(List<TrainingMetrics> metrics) {
        double sum = 0;
        for (TrainingMetrics m : metrics.subList(metrics.size() - 5, metrics.size())) {
            sum += m.mse() + m.sparsityCoefficient() * m.l1();
        }
        return sum / 5;
    }
}
