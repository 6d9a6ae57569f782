package dev.saesplit.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.saesplit.data.BatchCursor;
import dev.saesplit.data.BatchStream;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.random.SplitMix64;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Trains an SAE on a {@link BatchStream}, reporting to a {@link TrainingListener}; it knows nothing of
 * language models. Each step: forward and hand-derived backward pass, global gradient-norm clipping, a fused
 * in-place Adam update, optional decoder renormalisation, firing bookkeeping, and at their intervals metric
 * reports, dead-latent resampling and checkpoints. Given the same machine and thread count, a run resumed
 * from a checkpoint ends with bit-identical weights to one that never stopped.
 */
public final class SaeTrainer implements AutoCloseable {

    private final TrainerConfig config;
    private final BatchStream data;
    private final TrainingListener listener;
    private final Optional<CheckpointStore> checkpoints;
    private final NDManager manager;
    private final SparseAutoencoder sae;
    private final ArchitectureTraining architectureTraining;
    private final AnalyticBackprop backprop;
    private final AdamOptimizer adam;
    private final FiringTracker firing;
    private final TrainingSchedule schedule;
    private final float[] batch;
    private SplitMix64 random;
    private long step;
    private long tokensSeen;
    private long sparseSteps;
    private long activePairs;
    private Optional<CheckpointInfo> lastCheckpoint = Optional.empty();

    private SaeTrainer(TrainerConfig config, SaeWeights initial, BatchStream data, TrainingListener listener,
                       Optional<CheckpointStore> checkpoints) {
        SaeConfig saeConfig = initial.config();
        if (data.dIn() != saeConfig.dIn()) {
            throw new ActivationWidthMismatchException(data.dIn(), saeConfig.dIn(),
                    "model '" + saeConfig.modelName() + "', hook '" + saeConfig.hookName() + "', d_sae="
                            + saeConfig.dSae());
        }
        this.config = config;
        this.data = data;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.checkpoints = checkpoints;
        this.manager = ComputeDevice.newManager(ComputeDevice.selected());
        try {
            this.sae = SparseAutoencoder.upload(initial, manager);
            this.architectureTraining = ArchitectureTraining.of(saeConfig.architecture(), saeConfig.dSae(),
                    config.deadFeatureWindow());
            this.backprop = new AnalyticBackprop(sae, architectureTraining, data.batchSize(), config.unitNormDecoder(),
                    config.zeroTargetLatent(), config.stepPath(), AnalyticBackprop.ENCODER_BLOCK_TOKENS);
            this.adam = new AdamOptimizer(sae, config.adam());
            this.firing = new FiringTracker(sae.manager(), saeConfig.dSae(), data.batchSize(), config.deadLatents());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.schedule = new TrainingSchedule(config);
        this.batch = new float[data.batchSize() * saeConfig.dIn()];
        this.random = new SplitMix64(config.seed());
    }

    /** A fresh run from {@code initial} weights, with the stream at its current position. */
    public static SaeTrainer start(TrainerConfig config, SaeWeights initial, BatchStream data,
                                   TrainingListener listener, Optional<CheckpointStore> checkpoints) {
        SaeTrainer trainer = new SaeTrainer(config, initial, data, listener, checkpoints);
        if (config.unitNormDecoder()) {
            trainer.sae.normalizeDecoderRows();
        }
        return trainer;
    }

    /** Continues the run saved in {@code checkpoint}; the stream is moved to the checkpoint's cursor. */
    public static SaeTrainer resume(TrainerConfig config, CheckpointInfo checkpoint, BatchStream data,
                                    TrainingListener listener, Optional<CheckpointStore> checkpoints) {
        StoredCheckpoint stored = CheckpointStore.read(checkpoint);
        TrainerSnapshot saved = stored.snapshot();
        if (saved.batchSize() != data.batchSize()) {
            // The cursor counts rows; another batch size would replay a different sequence of batches.
            throw new IllegalArgumentException("checkpoint " + checkpoint.directory() + " was trained with batch size "
                    + saved.batchSize() + " but the stream delivers batches of " + data.batchSize());
        }
        SaeTrainer trainer = new SaeTrainer(config, saved.weights(), data, listener, checkpoints);
        try {
            trainer.adam.restore(stored.adamMoments(), saved.adamUpdates());
            trainer.firing.restore(stored.firingCounters(), saved.firing().stepsInWindow(),
                    saved.firing().lastWindowFrequency());
            trainer.random = SplitMix64.fromState(saved.randomState());
            trainer.backprop.trySparseNext(saved.trySparseNext());
            trainer.architectureTraining.restoreState(saved.architectureState());
            trainer.step = saved.step();
            trainer.tokensSeen = saved.tokensSeen();
            trainer.lastCheckpoint = Optional.of(stored.info());
            data.seek(saved.cursor());
            return trainer;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    /** Trains to the configured number of steps. */
    public void run() {
        runUntil(config.totalSteps());
    }

    /** Trains until {@code lastStep} steps are complete (capped at the configured total). */
    public void runUntil(long lastStep) {
        long until = Math.min(lastStep, config.totalSteps());
        while (step < until) {
            trainStep();
        }
    }

    private void trainStep() {
        BatchCursor before = data.cursor();
        data.next(batch);
        requireFinite(before);
        double learningRate = schedule.learningRate(step);
        double sparsity = schedule.sparsityCoefficient(step);
        // The batch's statistics measure the weights before this step's update, so they are labelled with the
        // steps completed so far: curves start at step 0 and end at the last step, whatever logEvery divides.
        boolean report = step % config.logEvery() == 0 || step == config.totalSteps() - 1;
        long measuredAtStep = step;
        long tokensBefore = tokensSeen;
        try (NDScope ignored = new NDScope()) {
            architectureTraining.beforeStep(firing, sae);
            StepTensors tensors = backprop.run(batch, sparsity, report);
            double norm = tensors.gradients().globalNorm();
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException(step, norm);
            }
            // clip_grad_norm_: scale by max_norm / (norm + 1e-6) when that is below one
            double clip = Math.min(1.0, config.maxGradientNorm() / (norm + 1e-6));
            adam.update(tensors.gradients(), learningRate, clip);
            if (config.unitNormDecoder()) {
                sae.normalizeDecoderRows();
            }
            firing.record(tensors.activeCounts());
            if (tensors.sparse()) {
                sparseSteps++;
                activePairs += tensors.activePairs();
            }
            step++;
            tokensSeen += data.batchSize();
            if (config.deadLatents().resample() && step % config.deadLatents().resampleEvery() == 0) {
                int resampled = DeadLatentResampler.resample(sae, adam, firing, batch, tensors.outputGradient().get(),
                        random, config.zeroTargetLatent());
                if (resampled > 0) {
                    listener.onResample(step, resampled);
                }
            }
            if (report) {
                BatchStatistics statistics = tensors.statistics().orElseThrow();
                listener.onMetrics(new TrainingMetrics(measuredAtStep, tokensBefore, statistics.mse(),
                        statistics.explainedVariance(), statistics.l1(), statistics.l0(), firing.deadFraction(),
                        firing.denseFraction(), learningRate, sparsity));
            }
        }
        if (checkpoints.isPresent() && step % config.checkpointEvery() == 0) {
            checkpointNow();
        }
    }

    private void requireFinite(BatchCursor before) {
        int dIn = sae.config().dIn();
        for (int i = 0; i < batch.length; i++) {
            if (!Float.isFinite(batch[i])) {
                throw new NonFiniteActivationException(step, before, i / dIn, i % dIn, batch[i]);
            }
        }
    }

    /** Writes a checkpoint of the current state now and reports it; requires a checkpoint store. */
    public CheckpointInfo checkpointNow() {
        CheckpointStore store = checkpoints.orElseThrow(() ->
                new IllegalStateException("this trainer was started without a checkpoint store"));
        CheckpointInfo info = store.write(snapshot(), firing.log10FiringFrequency());
        lastCheckpoint = Optional.of(info);
        listener.onCheckpoint(info);
        return info;
    }

    /** Everything a checkpoint holds, as of now: what {@link #resume} needs to continue bit for bit. */
    TrainerSnapshot snapshot() {
        return new TrainerSnapshot(sae.download(), adam.exportMoments(), adam.updates(), firing.exportState(), step,
                tokensSeen, random.state(), data.cursor(), data.batchSize(), backprop.trySparseNext(),
                architectureTraining.exportState());
    }

    /**
     * Saves the SAE as trained in the SAELens layout, in the form SAELens saves it for inference (BatchTopK and
     * Matryoshka as JumpReLU), with firing frequencies from the latest window; a latent forced to zero in training is
     * saved unable to fire.
     */
    public void saveSae(Path directory) {
        SaeWeights weights = architectureTraining.forInference(currentWeights());
        if (config.zeroTargetLatent().isPresent()) {
            weights = weights.withLatentDisabled(config.zeroTargetLatent().getAsInt());
        }
        SaeLensFormat.write(directory, weights, firing.log10FiringFrequency());
    }

    public SaeWeights currentWeights() {
        return sae.download();
    }

    /** Adam's moments as a checkpoint stores them. */
    List<NamedTensor> adamMoments() {
        return adam.exportMoments();
    }

    /** log10(firing frequency + 1e-10) per latent, as {@code sparsity.safetensors} stores it. */
    public float[] log10FiringFrequency() {
        return firing.log10FiringFrequency();
    }

    /** Steps completed. */
    public long step() {
        return step;
    }

    public long tokensSeen() {
        return tokensSeen;
    }

    /** Whether the next step starts on the sparse path (it is checkpointed: the path decides the rounding). */
    boolean trySparseNext() {
        return backprop.trySparseNext();
    }

    /** Steps this trainer ran on the sparse path (not persisted: a resumed trainer counts from zero). */
    public long sparseSteps() {
        return sparseSteps;
    }

    /** Firing (token, latent) pairs summed over this trainer's sparse steps. */
    public long sparseActivePairs() {
        return activePairs;
    }

    public TrainerConfig config() {
        return config;
    }

    /** The newest checkpoint written or resumed from by this trainer. */
    public Optional<CheckpointInfo> lastCheckpoint() {
        return lastCheckpoint;
    }

    @Override
    public void close() {
        manager.close();
    }
}
