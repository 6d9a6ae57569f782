package dev.saesplit.train;

import dev.saesplit.data.BatchStream;
import dev.saesplit.data.TeeBatchStream;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows trained in lockstep from one stream end exactly as each would alone on the same batch order. */
class LockstepTrainingTest {

    private static final int D_IN = 16;
    private static final int BATCH = 64;
    private static final long STREAM_SEED = 11;

    /** Three rows as a run table has them: their own seeds, widths, budgets and losses. */
    private record Row(SaeArchitecture architecture, int width, long seed, TrainerConfig config) {
        SaeWeights initial() {
            return KaimingInitializer.initialize(SaeConfig.of(D_IN, width, architecture, "synthetic", "planted"),
                    0.1, seed);
        }
    }

    private static List<Row> rows() {
        TrainerConfig base = TrainerConfig.builder(14).learningRate(3e-3).lrWarmupSteps(3).l1WarmupSteps(4)
                .sparsityCoefficient(0.2).logEvery(3).checkpointEvery(4)
                .deadLatents(DeadLatentPolicy.DEFAULTS.withWindowTokens(2L * BATCH).withResampling(5)).build();
        return List.of(
                new Row(new StandardArchitecture(), 24, 5, base.toBuilder().seed(5).build()),
                new Row(new StandardArchitecture(), 32, 6, TrainerConfig.builder(9).learningRate(3e-3)
                        .lrWarmupSteps(3).l1WarmupSteps(4).sparsityCoefficient(0.2).logEvery(3).checkpointEvery(4)
                        .unitNormDecoder(true).zeroTargetLatent(5).seed(6).build()),
                new Row(new TopKArchitecture(4), 24, 7, base.toBuilder().seed(7).stepPath(StepPath.SPARSE).build()));
    }

    @Test
    void eachRowTrainedInLockstepEndsBitwiseAsItDoesAloneOnTheSameBatchOrder() {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 200, 0.08, 10);
        List<SaeWeights> alone = new ArrayList<>();
        for (Row row : rows()) {
            try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, STREAM_SEED);
                 SaeTrainer trainer = SaeTrainer.start(row.config(), row.initial(), stream, TrainingListener.NONE,
                         Optional.empty())) {
                trainer.run();
                alone.add(trainer.currentWeights());
            }
        }

        SaeWeights[] together = new SaeWeights[3];
        List<Long> checkpointSteps = new ArrayList<>();
        List<Integer> finishedOrder = new ArrayList<>();
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, STREAM_SEED)) {
            TeeBatchStream tee = new TeeBatchStream(stream);
            List<SaeTrainer> trainers = startedOn(tee);
            try {
                LockstepTraining.run(trainers, 4, new LockstepTraining.Events() {
                    @Override
                    public void finished(int member, SaeTrainer trainer) {
                        finishedOrder.add(member);
                        together[member] = trainer.currentWeights();
                    }

                    @Override
                    public void checkpoint(long step, Map<Integer, SaeTrainer> running) {
                        checkpointSteps.add(step);
                        running.values().forEach(t -> assertEquals(step, t.step()));
                    }
                });
            } finally {
                trainers.forEach(SaeTrainer::close);
            }
            assertEquals(14, tee.batchesRead(), "each batch is read once for all rows: the longest row's 14");
        }

        for (int i = 0; i < 3; i++) {
            assertTrue(together[i].bitwiseEquals(alone.get(i)), "row " + i + " differs from its training alone");
        }
        assertEquals(List.of(1, 0, 2), finishedOrder, "the 9-step row leaves first, then the two 14-step rows");
        assertEquals(List.of(4L, 8L, 12L), checkpointSteps);
    }

    @Test
    void rowsResumedFromOneGroupCheckpointEndAsTheUninterruptedGroup() throws Exception {
        PlantedSparseData data = new PlantedSparseData(D_IN, 12, 200, 0.08, 12);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("lockstep");
        try {
            List<SaeWeights> uninterrupted = trainGroup(data, null, Long.MAX_VALUE);
            CheckpointStore store = CheckpointStore.at(dir);
            assertTrue(trainGroup(data, store, 8).isEmpty()); // stopped right after the step-8 group checkpoint

            CheckpointInfo group = store.latest().orElseThrow();
            assertEquals(8, group.step());
            List<SaeWeights> resumed = new ArrayList<>();
            try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, STREAM_SEED)) {
                TeeBatchStream tee = new TeeBatchStream(stream);
                List<SaeTrainer> trainers = new ArrayList<>();
                List<Row> rows = rows();
                // the 9-step row is at 8 too: it is in the checkpoint
                for (int i = 0; i < rows.size(); i++) {
                    trainers.add(SaeTrainer.resume(rows.get(i).config(),
                            CheckpointStore.member(group, "row-" + i).orElseThrow(), tee.view(),
                            TrainingListener.NONE, Optional.empty()));
                }
                SaeWeights[] out = new SaeWeights[rows.size()];
                try {
                    LockstepTraining.run(trainers, 4, finishing(out));
                } finally {
                    trainers.forEach(SaeTrainer::close);
                }
                resumed.addAll(List.of(out));
            }
            for (int i = 0; i < uninterrupted.size(); i++) {
                assertTrue(resumed.get(i).bitwiseEquals(uninterrupted.get(i)), "row " + i + " differs after resume");
            }
        } finally {
            dev.saesplit.artifact.StagedDirectory.deleteTree(dir);
        }
    }

    /** A trainer for each row, each reading its own view of {@code tee}. */
    private static List<SaeTrainer> startedOn(TeeBatchStream tee) {
        List<SaeTrainer> trainers = new ArrayList<>();
        for (Row row : rows()) {
            trainers.add(SaeTrainer.start(row.config(), row.initial(), tee.view(), TrainingListener.NONE,
                    Optional.empty()));
        }
        return trainers;
    }

    /** The rows trained together to their ends, or, with a store, stopped after the checkpoint at {@code stopAt}. */
    private static List<SaeWeights> trainGroup(PlantedSparseData data, CheckpointStore store, long stopAt) {
        class Stop extends RuntimeException {
        }
        SaeWeights[] out = new SaeWeights[3];
        try (BatchStream stream = InMemoryBatchStream.over(data.rows, D_IN, BATCH, STREAM_SEED)) {
            List<SaeTrainer> trainers = startedOn(new TeeBatchStream(stream));
            LockstepTraining.Events finishing = finishing(out);
            try {
                LockstepTraining.run(trainers, 4, new LockstepTraining.Events() {
                    @Override
                    public void finished(int member, SaeTrainer trainer) {
                        finishing.finished(member, trainer);
                    }

                    @Override
                    public void checkpoint(long step, Map<Integer, SaeTrainer> running) {
                        if (store != null) {
                            Map<String, CheckpointStore.Member> snapshots = new java.util.LinkedHashMap<>();
                            running.forEach((member, t) -> snapshots.put("row-" + member,
                                    new CheckpointStore.Member(t.snapshot(), t.log10FiringFrequency())));
                            store.writeGroup(step, snapshots);
                        }
                        if (step == stopAt) {
                            throw new Stop();
                        }
                    }
                });
            } catch (Stop stopped) {
                return List.of();
            } finally {
                trainers.forEach(SaeTrainer::close);
            }
        }
        return List.of(out);
    }

    private static LockstepTraining.Events finishing(SaeWeights[] out) {
        return new LockstepTraining.Events() {
            @Override
            public void finished(int member, SaeTrainer trainer) {
                out[member] = trainer.currentWeights();
            }

            @Override
            public void checkpoint(long step, Map<Integer, SaeTrainer> running) {
            }
        };
    }
}
