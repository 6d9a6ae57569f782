package dev.saesplit.train;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything a trainer reports, for assertions. */
final class RecordingListener implements TrainingListener {

    final List<TrainingMetrics> metrics = new ArrayList<>();
    final List<CheckpointInfo> checkpoints = new ArrayList<>();
    final List<long[]> resamples = new ArrayList<>();

    @Override
    public void onMetrics(TrainingMetrics reported) {
        metrics.add(reported);
    }

    @Override
    public void onCheckpoint(CheckpointInfo checkpoint) {
        checkpoints.add(checkpoint);
    }

    @Override
    public void onResample(long step, int latents) {
        resamples.add(new long[] {step, latents});
    }
}
