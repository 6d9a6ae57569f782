package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.data.BatchStream;
import dev.saesplit.init.NarrowToWideInitializer;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeArchitectures;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The architectures by name, and a wide SAE of each initialised from a standard narrow one, trained and saved. */
class ArchitectureTrainingTest {

    private static final int D_IN = 16;
    private static final int NARROW = 12;
    private static final int WIDE = 32;
    private static final int BATCH = 64;

    @TempDir
    Path dir;

    @Test
    void architecturesAreBuiltByTheirSaeLensTrainingNameWithSaeLensDefaults() {
        assertEquals(new StandardArchitecture(), SaeArchitectures.forTraining("standard", 0, List.of()));
        assertEquals(new TopKArchitecture(8), SaeArchitectures.forTraining("topk", 8, List.of()));
        assertEquals(new BatchTopKArchitecture(12.5, true, 0.01, 1.0),
                SaeArchitectures.forTraining("batchtopk", 12.5, List.of()));
        assertEquals(new MatryoshkaBatchTopKArchitecture(new BatchTopKArchitecture(12.5), List.of(8, 16, WIDE)),
                SaeArchitectures.forTraining("matryoshka_batchtopk", 12.5, List.of(8, 16, WIDE)));
        assertEquals(new JumpReLUArchitecture(0.01, 0.05, false),
                SaeArchitectures.forTraining("jumprelu", 0, List.of()));
    }

    @Test
    void settingsThatDoNotFitTheArchitectureAreRefusedSayingWhy() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeArchitectures.forTraining("topk", 2.5,
                List.of())).getMessage().contains("whole k"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeArchitectures.forTraining("batchtopk", 0,
                List.of())).getMessage().contains("k > 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeArchitectures.forTraining(
                "matryoshka_batchtopk", 4, List.of(16, 8, WIDE))).getMessage().contains("strictly increasing"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeArchitectures.forTraining("batchtopk", 4,
                List.of(8, WIDE))).getMessage().contains("only matryoshka_batchtopk"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SaeArchitectures.forTraining("gated", 4,
                List.of())).getMessage().contains("unknown architecture 'gated'"));
        SaeWeights misgrouped = KaimingInitializer.initialize(SaeConfig.of(D_IN, WIDE,
                new MatryoshkaBatchTopKArchitecture(new BatchTopKArchitecture(4), List.of(8, 16)), "m", "h"), 0.1, 1);
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 256, 0.08, 3);
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 4)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SaeTrainer.start(
                    TrainerConfig.builder(1).build(), misgrouped, stream, TrainingListener.NONE, Optional.empty()));
            assertTrue(e.getMessage().contains("must be d_sae " + WIDE), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"batchtopk", "matryoshka_batchtopk", "jumprelu"})
    void aWideSaeInitialisedFromAStandardNarrowOneTrainsAndIsSavedAsJumpRelu(String name) {
        SaeArchitecture architecture = SaeArchitectures.forTraining(name, 4,
                name.startsWith("matryoshka") ? List.of(NARROW, WIDE) : List.of());
        SaeWeights narrow = KaimingInitializer.initialize(SaeConfig.of(D_IN, NARROW, new StandardArchitecture(),
                "synthetic", "planted"), 0.1, 5);
        SaeConfig wideConfig = SaeConfig.of(D_IN, WIDE, architecture, "synthetic", "planted");

        SaeWeights wide = NarrowToWideInitializer.initialize(narrow, wideConfig, 0.1, 6);

        assertArrayEquals(narrow.decoderRow(3), wide.decoderRow(3), "narrow latents copied");
        if (architecture.hasThreshold()) {
            float[] expected = new float[WIDE];
            Arrays.fill(expected, (float) JumpReLUArchitecture.DEFAULT_INIT_THRESHOLD);
            assertArrayEquals(expected, wide.threshold().orElseThrow(), "every latent starts at the init threshold");
        }
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 1024, 0.08, 7);
        TrainerConfig config = TrainerConfig.builder(30).learningRate(3e-3).lrWarmupSteps(1).l1WarmupSteps(5)
                .sparsityCoefficient(0.05).deadFeatureWindow(5).build();
        RecordingListener listener = new RecordingListener();
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 8);
             SaeTrainer trainer = SaeTrainer.start(config, wide, stream, listener, Optional.empty())) {
            trainer.run();
            trainer.saveSae(dir.resolve(name));
        }
        TrainingMetrics first = listener.metrics.get(0);
        TrainingMetrics last = listener.metrics.get(listener.metrics.size() - 1);
        assertTrue(last.mse() < first.mse(), name + ": MSE " + first.mse() + " -> " + last.mse());
        SaeWeights saved = SaeLensFormat.read(dir.resolve(name));
        assertEquals(JumpReLUArchitecture.NAME, saved.config().architecture().name());
        float[] threshold = saved.threshold().orElseThrow();
        for (float value : threshold) {
            assertTrue(value >= 0 && Float.isFinite(value), name + ": threshold " + value);
        }
        if (!architecture.hasThreshold()) {
            assertTrue(threshold[0] > 0, "the BatchTopK threshold estimate moved from 0: " + threshold[0]);
        }
    }
}
