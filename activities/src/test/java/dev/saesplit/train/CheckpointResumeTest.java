package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.data.BatchStream;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CheckpointResumeTest {

    private static final int D_IN = 16;
    private static final int D_SAE = 24;
    private static final int BATCH = 64;
    private static final int TOTAL_STEPS = 12;

    @TempDir
    Path dir;

    static Stream<Arguments> configurations() {
        TrainerConfig base = TrainerConfig.builder(TOTAL_STEPS).learningRate(3e-3).lrWarmupSteps(3)
                .lrDecaySteps(TOTAL_STEPS * 3L / 10).l1WarmupSteps(4).sparsityCoefficient(0.2).logEvery(3).checkpointEvery(4)
                .deadLatents(DeadLatentPolicy.DEFAULTS.withWindowTokens(2L * BATCH).withResampling(5)).seed(17)
                .build();
        return Stream.of(
                Arguments.of("decoder-norm-weighted L1 with resampling", new StandardArchitecture(), base),
                Arguments.of("unit-norm decoder with zero-target",
                        new StandardArchitecture(), base.toBuilder().unitNormDecoder(true).zeroTargetLatent(5).build()),
                Arguments.of("topk", new TopKArchitecture(4), base),
                Arguments.of("sparse step, decoder-norm-weighted L1 with resampling", new StandardArchitecture(),
                        base.toBuilder().stepPath(StepPath.SPARSE).build()),
                Arguments.of("sparse step, topk with zero-target", new TopKArchitecture(4),
                        base.toBuilder().stepPath(StepPath.SPARSE).zeroTargetLatent(5).build()),
                // a dead-latent window of 2 steps, so AuxK and the threshold estimate both act before the checkpoint
                Arguments.of("batchtopk with AuxK", new BatchTopKArchitecture(3.5),
                        base.toBuilder().deadFeatureWindow(2).build()),
                Arguments.of("sparse step, batchtopk with AuxK", new BatchTopKArchitecture(1.5),
                        base.toBuilder().deadFeatureWindow(2).stepPath(StepPath.SPARSE).build()),
                Arguments.of("matryoshka batchtopk with AuxK", new MatryoshkaBatchTopKArchitecture(
                        new BatchTopKArchitecture(3.5), List.of(4, 10, D_SAE)),
                        base.toBuilder().deadFeatureWindow(2).build()),
                Arguments.of("jumprelu with the L0 loss warming up", new JumpReLUArchitecture(0.05, 0.1, false), base),
                Arguments.of("sparse step, jumprelu with the estimator to the input",
                        new JumpReLUArchitecture(0.05, 0.1, true), base.toBuilder().stepPath(StepPath.SPARSE).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configurations")
    void aRunResumedFromACheckpointEndsBitwiseIdenticalToAnUninterruptedOne(String name, SaeArchitecture architecture,
                                                                          TrainerConfig config) throws IOException {
        SaeWeights initial = SaeTrainerTest.withSilencedLatents(KaimingInitializer.initialize(
                SaeConfig.of(D_IN, D_SAE, architecture, "synthetic", "planted"), 0.1, 9), 3);
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 200, 0.08, 10);
        CheckpointStore uninterruptedStore = CheckpointStore.at(dir.resolve("uninterrupted"));
        CheckpointStore interruptedStore = CheckpointStore.at(dir.resolve("interrupted"));

        SaeWeights uninterrupted;
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 11);
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, TrainingListener.NONE,
                     Optional.of(uninterruptedStore))) {
            trainer.run();
            uninterrupted = trainer.currentWeights();
            trainer.saveSae(dir.resolve("uninterrupted-sae"));
        }
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 11);
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, TrainingListener.NONE,
                     Optional.of(interruptedStore))) {
            trainer.runUntil(7); // killed between checkpoints: steps 5..7 are lost
        }
        CheckpointInfo last = interruptedStore.latest().orElseThrow();
        assertEquals(4, last.step());
        try (BatchStream freshStream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 11);
             SaeTrainer resumed = SaeTrainer.resume(config, last, freshStream, TrainingListener.NONE,
                     Optional.of(interruptedStore))) {
            resumed.run();

            assertTrue(resumed.currentWeights().bitwiseEquals(uninterrupted), "weights differ after resume");
            resumed.saveSae(dir.resolve("resumed-sae"));
        }
        // the saved SAE too, which for BatchTopK carries the threshold estimate
        assertArrayEquals(Files.readAllBytes(dir.resolve("uninterrupted-sae").resolve("sae_weights.safetensors")),
                Files.readAllBytes(dir.resolve("resumed-sae").resolve("sae_weights.safetensors")), "saved SAE");
        Path a = uninterruptedStore.latest().orElseThrow().directory();
        Path b = interruptedStore.latest().orElseThrow().directory();
        for (String file : List.of(CheckpointStore.OPTIMIZER_FILE, CheckpointStore.FIRING_FILE,
                CheckpointStore.STATE_FILE, "sparsity.safetensors")) {
            assertArrayEquals(Files.readAllBytes(a.resolve(file)), Files.readAllBytes(b.resolve(file)), file);
        }
    }

    @Test
    void whetherTheNextStepTriesTheSparsePathTravelsWithTheCheckpoint() throws IOException {
        // A fresh ReLU SAE fires on about half its latents, so every step so far was dense and the next starts
        // dense; a resumed trainer that started sparse would round differently from the uninterrupted run
        TrainerConfig config = TrainerConfig.builder(TOTAL_STEPS).lrWarmupSteps(1).l1WarmupSteps(1)
                .checkpointEvery(4).build();
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 200, 0.08, 12);
        CheckpointStore store = CheckpointStore.at(dir.resolve("ckpt"));
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 13);
             SaeTrainer trainer = SaeTrainer.start(config, SaeTrainerTest.freshSae(14), stream,
                     TrainingListener.NONE, Optional.of(store))) {
            trainer.runUntil(4);
            assertEquals(0, trainer.sparseSteps(), "dense firing takes the dense path");
        }
        CheckpointInfo checkpoint = store.latest().orElseThrow();
        JsonNode state = new ObjectMapper().readTree(checkpoint.directory().resolve(CheckpointStore.STATE_FILE)
                .toFile());
        assertFalse(state.path("try_sparse_next").asBoolean(true), state.toString());
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 13);
             SaeTrainer resumed = SaeTrainer.resume(config, checkpoint, stream, TrainingListener.NONE,
                     Optional.empty())) {
            assertFalse(resumed.trySparseNext(), "restored from the checkpoint");
        }
    }

    @Test
    void checkpointsAppearAtTheirIntervalAreReportedAndOnlyTheNewestAreKept() throws IOException {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 200, 0.08, 12);
        TrainerConfig config = TrainerConfig.builder(TOTAL_STEPS).lrWarmupSteps(1).l1WarmupSteps(1)
                .checkpointEvery(4).build();
        RecordingListener listener = new RecordingListener();
        CheckpointStore store = new CheckpointStore(dir.resolve("ckpt"), 2);

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 13);
             SaeTrainer trainer = SaeTrainer.start(config, SaeTrainerTest.freshSae(14), stream, listener,
                     Optional.of(store))) {
            trainer.runUntil(10);
            CheckpointInfo requested = trainer.checkpointNow();

            assertEquals(10, requested.step());
            assertEquals(Optional.of(requested), trainer.lastCheckpoint());
        }
        assertEquals(List.of(4L, 8L, 10L), listener.checkpoints.stream().map(CheckpointInfo::step).toList());
        assertEquals(List.of(8L, 10L), store.list().stream().map(CheckpointInfo::step).toList());
        try (Stream<Path> children = Files.list(store.root())) {
            assertEquals(2, children.count(), "no temporary directories are left behind");
        }
    }

    @Test
    void resumingFromACheckpointMissingItsOptimizerStateNamesTheFile() throws IOException {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 200, 0.08, 15);
        TrainerConfig config = TrainerConfig.builder(4).lrWarmupSteps(1).l1WarmupSteps(1).checkpointEvery(4).build();
        CheckpointStore store = CheckpointStore.at(dir.resolve("ckpt"));
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 16);
             SaeTrainer trainer = SaeTrainer.start(config, SaeTrainerTest.freshSae(17), stream,
                     TrainingListener.NONE, Optional.of(store))) {
            trainer.run();
        }
        CheckpointInfo checkpoint = store.latest().orElseThrow();
        Files.delete(checkpoint.directory().resolve(CheckpointStore.OPTIMIZER_FILE));

        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, 16)) {
            ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> SaeTrainer.resume(
                    config, checkpoint, stream, TrainingListener.NONE, Optional.of(store)));
            assertTrue(e.getMessage().contains(CheckpointStore.OPTIMIZER_FILE), e.getMessage());
        }
    }
}
