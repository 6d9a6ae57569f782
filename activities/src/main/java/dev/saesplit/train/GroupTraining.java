package dev.saesplit.train;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.data.TeeBatchStream;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.read.StageInputs;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.worker.ActivityHeartbeat;
import io.temporal.activity.ActivityExecutionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rows of a {@link GroupTrainRequest} trained in lockstep from one data stream (a {@link TeeBatchStream} over
 * the group's {@link ShuffledBatchStream}), as one durable activity. Each row's output is content-addressed as a
 * training alone is, under a key that says it was trained in a group's data order; every unfinished row is saved at
 * the same step into one group checkpoint, heartbeated and published as a single training's checkpoints are; a
 * retry resumes every unfinished row from the last group checkpoint, and a finished row is never retrained.
 */
final class GroupTraining {

    static final String CHECKPOINT_KIND = "sae-group";

    private final ArtifactStore store;
    private final MetricsRecorder metrics;
    private final TrainingListener observer;
    private final int checkpointsKept;

    GroupTraining(ArtifactStore store, MetricsRecorder metrics, TrainingListener observer, int checkpointsKept) {
        this.store = store;
        this.metrics = metrics;
        this.observer = observer;
        this.checkpointsKept = checkpointsKept;
    }

    List<SaeRef> train(GroupTrainRequest g, ActivityExecutionContext context) {
        requireGroupable(g);
        List<TrainRequest> rows = g.rows();
        List<String> keys = rows.stream().map(r -> TrainingActivitiesImpl.groupedOutputKey(r, g.streamSeed())).toList();
        SaeRef[] trained = new SaeRef[rows.size()];
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Optional<ArtifactRef> finished = store.find(TrainingActivitiesImpl.KIND, keys.get(i));
            if (finished.isPresent()) {
                trained[i] = saeRef(finished.get(), rows.get(i));
            } else {
                pending.add(i);
            }
        }
        if (pending.isEmpty()) {
            return List.of(trained);
        }
        // Every attempt derives the same key from the whole request, whichever rows it still has to train.
        String groupKey = OutputKey.of("sae-train-group", TrainingActivitiesImpl.CODE_VERSION, keys, g.streamSeed());
        CheckpointStore checkpoints = new CheckpointStore(
                store.workDirectory(CHECKPOINT_KIND, groupKey).resolve("checkpoints"), checkpointsKept,
                store.publishedCheckpoints(CHECKPOINT_KIND, groupKey, checkpointsKept));
        Optional<CheckpointInfo> resumeFrom = TrainingActivitiesImpl.resumePoint(
                context.getHeartbeatDetails(GroupTrainingHeartbeat.class)
                        .filter(h -> !h.checkpoint().isEmpty())
                        .map(h -> new CheckpointInfo(Path.of(h.checkpoint()), h.step())), checkpoints)
                // a checkpoint lacking an unfinished row (one whose saved output has gone) cannot resume the group
                .filter(c -> pending.stream().allMatch(i -> CheckpointStore.member(c, keys.get(i)).isPresent()));
        TrainRequest first = rows.get(0);
        GroupTrainingHeartbeat start = resumeFrom
                .map(c -> GroupTrainingHeartbeat.resumedFrom(c.step(), c.directory().toString()))
                .orElse(GroupTrainingHeartbeat.resumedFrom(0, ""));
        Path data = store.localCopy(first.data().artifact());
        try (ActivationSource all = HeldOutSplit.training(StageInputs.activations(data));
             ShuffledBatchStream stream = TrainingActivitiesImpl.batches(store, data, all, first, g.streamSeed());
             ActivityHeartbeat heartbeat = ActivityHeartbeat.start(start)) {
            GroupBeat beat = new GroupBeat(heartbeat, start);
            TeeBatchStream tee = new TeeBatchStream(stream);
            Map<Integer, TrainingReporter> reporters = new LinkedHashMap<>();
            List<SaeTrainer> trainers = new ArrayList<>();
            try {
                for (int i : pending) {
                    TrainRequest row = rows.get(i);
                    TrainerConfig config = TrainingActivitiesImpl.trainerConfig(row);
                    TrainingReporter reporter = new TrainingReporter(row, config, metrics, beat.row(row.runId()),
                            observer);
                    reporters.put(i, reporter);
                    if (resumeFrom.isPresent()) {
                        reporter.resumed(resumeFrom.get().step());
                        trainers.add(SaeTrainer.resume(config, CheckpointStore.member(resumeFrom.get(), keys.get(i))
                                .orElseThrow(), tee.view(), reporter, Optional.empty()));
                    } else {
                        trainers.add(SaeTrainer.start(config, StageInputs.of(store).sae(row.initial()), tee.view(), reporter, Optional.empty()));
                    }
                }
                LockstepTraining.run(trainers, first.training().checkpointEvery(), new LockstepTraining.Events() {
                    @Override
                    public void finished(int member, SaeTrainer trainer) {
                        int row = pending.get(member);
                        TrainRequest r = rows.get(row);
                        ArtifactRef ref = store.getOrProduce(TrainingActivitiesImpl.KIND, keys.get(row),
                                new Provenance("train", r.experiment(), r.runId()), trainer::saveSae);
                        reporters.get(row).finished(trainer.step());
                        trained[row] = saeRef(ref, r);
                    }

                    @Override
                    public void checkpoint(long step, Map<Integer, SaeTrainer> running) {
                        Map<String, CheckpointStore.Member> snapshots = new LinkedHashMap<>();
                        running.forEach((member, trainer) -> snapshots.put(keys.get(pending.get(member)),
                                new CheckpointStore.Member(trainer.snapshot(), trainer.log10FiringFrequency())));
                        CheckpointInfo saved = checkpoints.writeGroup(step, snapshots);
                        beat.checkpoint(saved);
                        observer.onCheckpoint(saved);
                    }
                });
            } finally {
                trainers.forEach(SaeTrainer::close);
            }
        }
        store.clearWorkDirectory(CHECKPOINT_KIND, groupKey);
        return List.of(trained);
    }

    private static SaeRef saeRef(ArtifactRef ref, TrainRequest row) {
        return new SaeRef(ref, row.initial().dIn(), row.initial().width());
    }

    /** Rows train together only on the same batches: one source, one selection, one batch size and interval. */
    static void requireGroupable(GroupTrainRequest g) {
        if (g.rows().isEmpty()) {
            throw new UngroupableRowsException("a group of rows to train together has no rows");
        }
        TrainRequest first = g.rows().get(0);
        Set<String> runIds = new HashSet<>();
        for (TrainRequest row : g.rows()) {
            if (!runIds.add(row.runId())) {
                throw new UngroupableRowsException("row '" + row.runId() + "' appears twice in one training group");
            }
            String differs = !row.data().artifact().contentHash().equals(first.data().artifact().contentHash())
                    ? "activations"
                    : !filteredHash(row).equals(filteredHash(first)) ? "data selection (all tokens or filtered)"
                    : row.training().batchSize() != first.training().batchSize() ? "training.batch_size"
                    : row.training().checkpointEvery() != first.training().checkpointEvery()
                    ? "training.checkpoint_every" : null;
            if (differs != null) {
                throw new UngroupableRowsException("rows '" + first.runId() + "' and '" + row.runId()
                        + "' cannot train together from one stream: their " + differs + " differ");
            }
        }
    }

    private static String filteredHash(TrainRequest row) {
        return row.filtered() == null ? "" : row.filtered().artifact().contentHash();
    }

    /** The group's one heartbeat: its checkpoint, and every row's progress under the row's run id. */
    private static final class GroupBeat {
        private final ActivityHeartbeat heartbeat;
        private GroupTrainingHeartbeat latest;

        GroupBeat(ActivityHeartbeat heartbeat, GroupTrainingHeartbeat start) {
            this.heartbeat = heartbeat;
            this.latest = start;
        }

        void checkpoint(CheckpointInfo saved) {
            latest = latest.withCheckpoint(saved);
            heartbeat.update(latest);
        }

        TrainingReporter.Beat row(String runId) {
            return new TrainingReporter.Beat() {
                @Override
                public void progress(TrainingProgress progress) {
                    latest = latest.withProgress(runId, progress);
                    heartbeat.update(latest);
                }

                @Override
                public void checkpoint(CheckpointInfo checkpoint) {
                    GroupBeat.this.checkpoint(checkpoint);
                }

                @Override
                public void checkNotCancelled() {
                    heartbeat.checkNotCancelled();
                }
            };
        }
    }
}
