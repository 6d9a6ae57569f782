package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.worker.ActivityHeartbeat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a durable training reports: its metrics to PostgreSQL, its checkpoints and progress to the heartbeat (so
 * a retry resumes there, and {@link TrainingProgressReader} shows how far it is); and where it learns that it
 * must stop.
 */
final class TrainingReporter implements TrainingListener {

    /** Where a training's progress and checkpoints are heartbeated, and where a cancellation is learnt. */
    interface Beat {
        void progress(TrainingProgress progress);

        void checkpoint(CheckpointInfo checkpoint);

        void checkNotCancelled();
    }

    private final TrainRequest request;
    private final TrainerConfig config;
    private final MetricsRecorder metrics;
    private final Beat beat;
    private final TrainingListener observer;
    private final String prefix;
    private double lastLoss = Double.NaN;

    TrainingReporter(TrainRequest request, TrainerConfig config, MetricsRecorder metrics, ActivityHeartbeat heartbeat,
                     TrainingHeartbeat resumedFrom, TrainingListener observer) {
        this(request, config, metrics, soloBeat(heartbeat, resumedFrom), observer);
    }

    /** As above, heartbeating through {@code beat}: one row of several trained together. */
    TrainingReporter(TrainRequest request, TrainerConfig config, MetricsRecorder metrics, Beat beat,
                     TrainingListener observer) {
        this.request = request;
        this.config = config;
        this.metrics = metrics;
        this.beat = beat;
        this.observer = observer;
        this.prefix = metricPrefix(request);
    }

    /** A training alone in its activity: its {@link TrainingHeartbeat} is the activity's heartbeat. */
    private static Beat soloBeat(ActivityHeartbeat heartbeat, TrainingHeartbeat resumedFrom) {
        return new Beat() {
            private TrainingHeartbeat latest = resumedFrom;

            @Override
            public void progress(TrainingProgress progress) {
                latest = latest.withProgress(progress);
                heartbeat.update(latest);
            }

            @Override
            public void checkpoint(CheckpointInfo checkpoint) {
                latest = latest.withCheckpoint(checkpoint);
                heartbeat.update(latest);
            }

            @Override
            public void checkNotCancelled() {
                heartbeat.checkNotCancelled();
            }
        };
    }

    /**
     * {@code train/} for a row; {@code narrow/} for the narrow SAE, trained under the experiment's parent run, so
     * its curves never mix with the rows' in the tracking UI's comparison charts.
     */
    private static String metricPrefix(TrainRequest request) {
        return request.isNarrow() ? "narrow/" : "train/";
    }

    @Override
    public void onMetrics(TrainingMetrics m) {
        beat.checkNotCancelled();
        lastLoss = m.mse() + m.sparsityCoefficient() * m.l1();
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(prefix + "loss", lastLoss);
        values.put(prefix + "mse", m.mse());
        values.put(prefix + "explained_variance", m.explainedVariance());
        values.put(prefix + "l1", m.l1());
        values.put(prefix + "l0", m.l0());
        values.put(prefix + "dead_fraction", m.deadFraction());
        values.put(prefix + "dense_fraction", m.denseFraction());
        values.put(prefix + "learning_rate", m.learningRate());
        values.put(prefix + "sparsity_coefficient", m.sparsityCoefficient());
        values.put(prefix + "tokens_seen", (double) m.tokensSeen());
        metrics.record(request.experiment(), request.runId(), m.step(), values);
        report(new TrainingProgress(m.step(), config.totalSteps(), lastLoss));
        observer.onMetrics(m);
    }

    @Override
    public void onCheckpoint(CheckpointInfo checkpoint) {
        beat.checkpoint(checkpoint);
        observer.onCheckpoint(checkpoint);
    }

    /** Records where a retried attempt picked up, so lost work can be audited. */
    void resumed(long step) {
        metrics.record(request.experiment(), request.runId(), step, Map.of(prefix + "resumed_from_step", (double) step));
    }

    void finished(long steps) {
        report(new TrainingProgress(steps, config.totalSteps(), lastLoss));
    }

    /** The SDK throttles heartbeats to the server, sending the latest details, so every report may beat. */
    private void report(TrainingProgress progress) {
        beat.progress(progress);
    }
}
