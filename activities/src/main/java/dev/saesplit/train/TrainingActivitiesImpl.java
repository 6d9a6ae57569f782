package dev.saesplit.train;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.read.StageInputs;
import dev.saesplit.spec.TrainingSpec;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.worker.ActivityHeartbeat;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Trains SAEs as a durable activity: the output is content-addressed (a finished training is never repeated),
 * checkpoints go to a work directory that every attempt on this machine shares (and, with a shared artifact store,
 * are published there for attempts on other machines), and a retried attempt resumes from the last checkpoint its
 * predecessor heartbeated — or, failing that, the newest one on disk or published.
 */
public final class TrainingActivitiesImpl implements TrainingActivities {

    /**
     * 2: trains on the training rows only (see HeldOutSplit); a zero-target latent is saved disabled.
     * 3: Adam's ε as PyTorch's, λ warm-up starting at zero, LR decay only over {@code lr_decay_steps}.
     * 4: the sparse-aware step and Adam in one host pass on the CPU: the same update, rounded differently.
     */
    static final int CODE_VERSION = 4;
    static final String KIND = "sae";
    private static final int CHECKPOINTS_KEPT = 2;

    private final ArtifactStore store;
    private final MetricsRecorder metrics;
    private final TrainingListener observer;

    public TrainingActivitiesImpl(ArtifactStore store, MetricsRecorder metrics) {
        this(store, metrics, TrainingListener.NONE);
    }

    /** As above, with {@code observer} told of every report after it is handled (tests use it to stop a run). */
    TrainingActivitiesImpl(ArtifactStore store, MetricsRecorder metrics, TrainingListener observer) {
        this.store = store;
        this.metrics = metrics;
        this.observer = observer;
    }

    @Override
    public List<SaeRef> trainTogether(GroupTrainRequest request) {
        return new GroupTraining(store, metrics, observer, CHECKPOINTS_KEPT).train(request,
                Activity.getExecutionContext());
    }

    @Override
    public SaeRef train(TrainRequest r) {
        String key = outputKey(r);
        Optional<ArtifactRef> finished = store.find(KIND, key);
        if (finished.isPresent()) {
            return new SaeRef(finished.get(), r.initial().dIn(), r.initial().width());
        }
        ActivityExecutionContext context = Activity.getExecutionContext();
        CheckpointStore checkpoints = new CheckpointStore(store.workDirectory(KIND, key).resolve("checkpoints"),
                CHECKPOINTS_KEPT, store.publishedCheckpoints(KIND, key, CHECKPOINTS_KEPT));
        Optional<CheckpointInfo> resumeFrom = resumePoint(context.getHeartbeatDetails(TrainingHeartbeat.class)
                .filter(h -> !h.checkpoint().isEmpty())
                .map(h -> new CheckpointInfo(Path.of(h.checkpoint()), h.step())), checkpoints);
        TrainerConfig config = trainerConfig(r);
        TrainingHeartbeat first = resumeFrom
                .map(c -> new TrainingHeartbeat(c.step(), c.directory().toString()))
                .orElse(TrainingHeartbeat.NONE);
        Path data = store.localCopy(r.data().artifact());
        try (ActivationSource all = HeldOutSplit.training(StageInputs.activations(data));
             ShuffledBatchStream stream = batches(store, data, all, r, r.seed());
             ActivityHeartbeat heartbeat = ActivityHeartbeat.start(first)) {
            TrainingReporter reporter = new TrainingReporter(r, config, metrics, heartbeat, first, observer);
            resumeFrom.ifPresent(checkpoint -> reporter.resumed(checkpoint.step()));
            try (SaeTrainer trainer = resumeFrom.isPresent()
                    ? SaeTrainer.resume(config, resumeFrom.get(), stream, reporter, Optional.of(checkpoints))
                    : SaeTrainer.start(config, StageInputs.of(store).sae(r.initial()),
                    stream, reporter, Optional.of(checkpoints))) {
                trainer.run();
                ArtifactRef ref = store.getOrProduce(KIND, key, new Provenance("train", r.experiment(), r.runId()),
                        trainer::saveSae);
                reporter.finished(trainer.step());
                store.clearWorkDirectory(KIND, key);
                return new SaeRef(ref, r.initial().dIn(), r.initial().width());
            }
        }
    }

    /**
     * Everything that determines the trained weights, and nothing else: how often a run checkpoints or logs
     * changes neither its batches nor its updates, so changing them reuses the trained SAE.
     */
    static String outputKey(TrainRequest r) {
        TrainingSpec t = r.training();
        return OutputKey.of("sae-train", CODE_VERSION, withArchitecture(r, r.initial().artifact().contentHash(),
                r.data().artifact().contentHash(), r.filtered() == null ? "" : r.filtered().artifact().contentHash(),
                weightDetermining(t), r.tokens(), r.seed(), r.zeroLatent()));
    }

    /**
     * A row trained in a group: as {@link #outputKey}, under another stage name and with the group's stream seed,
     * since its batches come in the group's data order, not its own seed's; a row trained alone and the same row
     * trained in a group never share an output. The other rows of the group are not in it: lockstep changes
     * nothing per row.
     */
    static String groupedOutputKey(TrainRequest r, long streamSeed) {
        return OutputKey.of("sae-train-grouped", CODE_VERSION, withArchitecture(r,
                r.initial().artifact().contentHash(), r.data().artifact().contentHash(),
                r.filtered() == null ? "" : r.filtered().artifact().contentHash(), weightDetermining(r.training()),
                r.tokens(), r.seed(), r.zeroLatent(), streamSeed));
    }

    private static WeightDeterminingSettings weightDetermining(TrainingSpec t) {
        return new WeightDeterminingSettings(t.batchSize(), t.learningRate(), t.sparsityCoefficient(),
                t.lrWarmupSteps(), t.l1WarmupSteps(), t.lrDecaySteps());
    }

    /** The part of {@link TrainingSpec} that reaches the weights, as it enters the output key. */
    private record WeightDeterminingSettings(int batchSize, double learningRate, double sparsityCoefficient,
                                             int lrWarmupSteps, int l1WarmupSteps, int lrDecaySteps) {
    }

    /**
     * The later of the previous attempt's heartbeated checkpoint and the newest checkpoint in the work directory.
     * Heartbeats reach the server throttled, so the newest checkpoint on disk can be ahead of the last one the
     * server saw; the heartbeat matters when the retry runs on another machine sharing the storage. With a shared
     * artifact store, a heartbeated path outside this machine's work directory is another machine's and is not
     * followed: the published checkpoints are at least as new.
     */
    static Optional<CheckpointInfo> resumePoint(Optional<CheckpointInfo> heartbeatedCheckpoint,
                                                CheckpointStore checkpoints) {
        Optional<CheckpointInfo> heartbeated = heartbeatedCheckpoint
                .filter(c -> Files.isDirectory(c.directory()))
                .filter(c -> !checkpoints.publishes() || c.directory().startsWith(checkpoints.root()));
        Optional<CheckpointInfo> onDisk = checkpoints.latest();
        if (heartbeated.isPresent() && onDisk.isPresent()) {
            return Optional.of(onDisk.get().step() > heartbeated.get().step() ? onDisk.get() : heartbeated.get());
        }
        return heartbeated.isPresent() ? heartbeated : onDisk;
    }

    /**
     * The batches {@code r} trains on: its rows of the training part of the activations, in the order {@code seed}
     * gives; for a training alone and for a group of rows alike, so a new kind of activation source is wired here
     * once for both.
     */
    static ShuffledBatchStream batches(ArtifactStore store, Path data, ActivationSource all, TrainRequest r,
                                       long seed) {
        return new ShuffledBatchStream(rowsToTrainOn(store, all, r),
                StageInputs.shuffleConfig(data, r.training().batchSize(), seed, all.dIn()));
    }

    /** All of {@code data}, or the filtered view of it (which leaves closing {@code data} to the caller). */
    private static ActivationSource rowsToTrainOn(ArtifactStore store, ActivationSource data, TrainRequest r) {
        return r.filtered() == null ? data : StageInputs.of(store).filteredRows(data, r.filtered());
    }

    /** {@code inputs}, and the row's architecture where it names one: every earlier training keeps its key. */
    private static Object[] withArchitecture(TrainRequest r, Object... inputs) {
        if (r.architecture() == null) {
            return inputs;
        }
        Object[] all = java.util.Arrays.copyOf(inputs, inputs.length + 1);
        all[inputs.length] = r.architecture();
        return all;
    }

    static TrainerConfig trainerConfig(TrainRequest r) {
        TrainingSpec t = r.training();
        TrainerConfig.Builder builder = TrainerConfig.builder(r.totalSteps())
                .learningRate(t.learningRate())
                .lrWarmupSteps(t.lrWarmupSteps())
                // JumpReLU's penalty is on L0, not L1: the experiment's L1 coefficient means nothing to it
                .sparsityCoefficient(r.architecture() != null && r.architecture().l0Coefficient() != null
                        ? r.architecture().l0Coefficient() : t.sparsityCoefficient())
                .l1WarmupSteps(t.l1WarmupSteps())
                .lrDecaySteps(t.lrDecaySteps())
                .logEvery(t.logEvery())
                .checkpointEvery(t.checkpointEvery())
                .seed(r.seed());
        if (r.zeroesLatent()) {
            builder.zeroTargetLatent(r.zeroLatent());
        }
        return builder.build();
    }
}
