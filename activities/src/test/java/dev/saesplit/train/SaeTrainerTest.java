package dev.saesplit.train;

import dev.saesplit.data.BatchStream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaeTrainerTest {

    private static final int D_IN = 16;
    private static final int D_SAE = 24;
    private static final int BATCH = 128;

    @TempDir
    Path dir;

    @Test
    void learnsThePlantedDirectionsOfSparseData() {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 4096, 0.08, 5);
        TrainerConfig config = TrainerConfig.builder(800).learningRate(3e-3).lrWarmupSteps(20).l1WarmupSteps(100)
                .sparsityCoefficient(0.2).logEvery(200).build();
        RecordingListener listener = new RecordingListener();

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 1);
             SaeTrainer trainer = SaeTrainer.start(config, freshSae(3), stream, listener, Optional.empty())) {
            trainer.run();

            double[] cosines = data.bestCosines(trainer.currentWeights().decoderWeights(), D_SAE);
            assertTrue(Arrays.stream(cosines).min().orElseThrow() >= 0.9,
                    "every planted direction has a decoder row within cosine 0.9: " + Arrays.toString(cosines));
        }
        assertEquals(List.of(0L, 200L, 400L, 600L, 799L), listener.metrics.stream().map(TrainingMetrics::step).toList());
        TrainingMetrics last = listener.metrics.get(4);
        assertEquals(799L * BATCH, last.tokensSeen());
        assertTrue(last.explainedVariance() > 0.9 && last.explainedVariance() <= 1, "explained variance " + last);
        assertTrue(last.l0() > 0.5 && last.l0() < 6, "about as many active latents as planted features fire: " + last);
        assertTrue(last.mse() >= 0 && last.l1() > 0, last.toString());
        assertEquals(new TrainingSchedule(config).learningRate(799), last.learningRate());
    }

    @Test
    void curvesStartAtStepZeroAndEndAtTheLastStepWhateverLogEveryDivides() {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 1024, 0.08, 7);
        TrainerConfig config = TrainerConfig.builder(25).logEvery(10).build();
        RecordingListener listener = new RecordingListener();

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 1);
             SaeTrainer trainer = SaeTrainer.start(config, freshSae(5), stream, listener, Optional.empty())) {
            trainer.run();
        }

        assertEquals(List.of(0L, 10L, 20L, 24L), listener.metrics.stream().map(TrainingMetrics::step).toList());
        assertEquals(List.of(0L, 10L * BATCH, 20L * BATCH, 24L * BATCH),
                listener.metrics.stream().map(TrainingMetrics::tokensSeen).toList(),
                "each point counts the tokens trained on before the batch it measures");
    }

    @Test
    void zeroTargetKeepsTheTargetLatentSilentAndItsWeightsUntouchedEvenByResampling() {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 1024, 0.08, 6);
        TrainerConfig config = TrainerConfig.builder(60).learningRate(3e-3).lrWarmupSteps(5).l1WarmupSteps(5)
                .sparsityCoefficient(0.2).zeroTargetLatent(2)
                .deadLatents(DeadLatentPolicy.DEFAULTS.withWindowTokens(2L * BATCH).withResampling(10)).build();
        SaeWeights initial = freshSae(4);

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 2);
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, TrainingListener.NONE, Optional.empty())) {
            trainer.run();

            SaeWeights trained = trainer.currentWeights();
            assertArrayEquals(initial.encoderColumn(2), trained.encoderColumn(2));
            assertEquals(initial.encoderBias(2), trained.encoderBias(2));
            assertArrayEquals(initial.decoderRow(2), trained.decoderRow(2));
            assertEquals(-10f, trainer.log10FiringFrequency()[2], 1e-6, "the target never fired");
            assertTrue(!Arrays.equals(initial.encoderColumn(3), trained.encoderColumn(3)), "other latents train");
        }
    }

    @Test
    void deadLatentsAreResampledTowardsInputsWithUnitDecoderRows() {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 1024, 0.08, 7);
        TrainerConfig config = TrainerConfig.builder(3).learningRate(1e-3).lrWarmupSteps(1).l1WarmupSteps(1)
                .deadLatents(DeadLatentPolicy.DEFAULTS.withWindowTokens(2L * BATCH).withResampling(3)).build();
        SaeWeights initial = withSilencedLatents(freshSae(5), 4);
        RecordingListener listener = new RecordingListener();

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 3);
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, listener, Optional.empty())) {
            trainer.run();

            SaeWeights after = trainer.currentWeights();
            assertEquals(3L, listener.resamples.get(0)[0]);
            assertTrue(listener.resamples.get(0)[1] >= 4, "at least the silenced latents were dead");
            for (int latent = 0; latent < 4; latent++) {
                assertEquals(0f, after.encoderBias(latent), 0f);
                assertEquals(1.0, SaeFixtures.norm(after.decoderRow(latent)), 1e-5);
                assertEquals(1.0, SaeFixtures.cosine(after.decoderRow(latent), after.encoderColumn(latent)), 1e-5,
                        "encoder column points the same way as the new decoder row");
            }
        }
    }

    @Test
    void aSavedSaeOpensInTheSaeLensLayout() {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 512, 0.08, 8);
        TrainerConfig config = TrainerConfig.builder(5).lrWarmupSteps(1).l1WarmupSteps(1).build();

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 4);
             SaeTrainer trainer = SaeTrainer.start(config, freshSae(6), stream, TrainingListener.NONE, Optional.empty())) {
            trainer.run();
            trainer.saveSae(dir.resolve("sae"));

            assertTrue(SaeLensFormat.read(dir.resolve("sae")).bitwiseEquals(trainer.currentWeights()));
            assertArrayEquals(trainer.log10FiringFrequency(), SaeLensFormat.readSparsity(dir.resolve("sae")).orElseThrow());
        }
    }

    static SaeWeights freshSae(long seed) {
        SaeConfig config = SaeConfig.of(D_IN, D_SAE, new StandardArchitecture(), "synthetic", "planted");
        return KaimingInitializer.initialize(config, KaimingInitializer.DEFAULT_DECODER_NORM, seed);
    }

    /** Latents {@code [0, count)} get an encoder bias so negative they can never fire. */
    static SaeWeights withSilencedLatents(SaeWeights weights, int count) {
        float[] bias = weights.encoderBias();
        Arrays.fill(bias, 0, count, -100f);
        return new SaeWeights(weights.config(), weights.encoderWeights(), bias, weights.decoderWeights(),
                weights.decoderBias());
    }
}
