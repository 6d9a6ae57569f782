package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.util.List;
import java.util.Optional;

/**
 * Watches which latents fire. Per latent it counts steps since the latent last fired (dead latents) and
 * firings within the current window of tokens (dense latents, the saved firing frequencies). The counters
 * stay on the device and are updated in place every step, so the step never waits for the host; the host
 * reads them only when reporting.
 */
final class FiringTracker {

    private static final String STEPS_SINCE_FIRED = "steps_since_fired";
    private static final String WINDOW_FIRES = "window_fires";
    private static final double FREQUENCY_FLOOR = 1e-10;

    private final DeadLatentPolicy policy;
    private final int batchSize;
    private final long windowSteps;
    private final NDArray stepsSinceFired;
    private final NDArray windowFires;
    private long stepsInWindow;
    private double[] lastWindowFrequency;

    FiringTracker(NDManager manager, int dSae, int batchSize, DeadLatentPolicy policy) {
        this.policy = policy;
        this.batchSize = batchSize;
        this.windowSteps = Math.max(1, (policy.windowTokens() + batchSize - 1) / batchSize);
        this.stepsSinceFired = manager.zeros(new Shape(dSae));
        this.windowFires = manager.zeros(new Shape(dSae));
    }

    /** Records one step's per-latent firing counts {@code [d_sae]}. */
    void record(NDArray activeCounts) {
        try (NDArray silent = activeCounts.eq(0)) {
            stepsSinceFired.addi(1f).muli(silent);
        }
        windowFires.addi(activeCounts);
        stepsInWindow++;
        if (stepsInWindow == windowSteps) {
            lastWindowFrequency = currentWindowFrequency();
            windowFires.muli(0f);
            stepsInWindow = 0;
        }
    }

    /** Latents that have not fired for the policy's window of tokens. */
    boolean[] deadLatents() {
        float[] since = stepsSinceFired.toFloatArray();
        boolean[] dead = new boolean[since.length];
        for (int i = 0; i < since.length; i++) {
            dead[i] = (double) since[i] * batchSize >= policy.windowTokens();
        }
        return dead;
    }

    /**
     * Latents silent for more than {@code steps} steps, as SAELens's trainer counts them for the AuxK loss
     * ({@code n_forward_passes_since_fired > dead_feature_window}).
     */
    boolean[] silentForMoreThan(long steps) {
        float[] since = stepsSinceFired.toFloatArray();
        boolean[] silent = new boolean[since.length];
        for (int i = 0; i < since.length; i++) {
            silent[i] = since[i] > steps;
        }
        return silent;
    }

    double deadFraction() {
        return fraction(deadLatents());
    }

    /** Fraction of latents firing on more than the policy's dense frequency, over the latest window. */
    double denseFraction() {
        double[] frequency = latestFrequency();
        int dense = 0;
        for (double value : frequency) {
            if (value > policy.denseFrequency()) {
                dense++;
            }
        }
        return (double) dense / frequency.length;
    }

    /** log10(firing frequency + 1e-10) per latent, over the latest complete window (or the current one). */
    float[] log10FiringFrequency() {
        double[] frequency = latestFrequency();
        float[] log = new float[frequency.length];
        for (int i = 0; i < log.length; i++) {
            log[i] = (float) Math.log10(frequency[i] + FREQUENCY_FLOOR);
        }
        return log;
    }

    /** Gives resampled latents (keep = 0) a fresh dead-latent window. */
    void resetLatents(NDArray keep) {
        stepsSinceFired.muli(keep);
    }

    private double[] latestFrequency() {
        return lastWindowFrequency != null ? lastWindowFrequency.clone() : currentWindowFrequency();
    }

    private double[] currentWindowFrequency() {
        float[] fires = windowFires.toFloatArray();
        double tokens = Math.max(1, stepsInWindow) * (double) batchSize;
        double[] frequency = new double[fires.length];
        for (int i = 0; i < fires.length; i++) {
            frequency[i] = fires[i] / tokens;
        }
        return frequency;
    }

    private static double fraction(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            if (flag) {
                count++;
            }
        }
        return (double) count / flags.length;
    }

    FiringState exportState() {
        long dSae = stepsSinceFired.size();
        return new FiringState(List.of(
                NamedTensor.of(STEPS_SINCE_FIRED, stepsSinceFired.toFloatArray(), dSae),
                NamedTensor.of(WINDOW_FIRES, windowFires.toFloatArray(), dSae)),
                stepsInWindow, Optional.ofNullable(lastWindowFrequency).map(double[]::clone));
    }

    void restore(StoredTensors tensors, long storedStepsInWindow, Optional<double[]> storedWindowFrequency) {
        stepsSinceFired.set(tensors.require(STEPS_SINCE_FIRED, stepsSinceFired.getShape()));
        windowFires.set(tensors.require(WINDOW_FIRES, windowFires.getShape()));
        stepsInWindow = storedStepsInWindow;
        lastWindowFrequency = storedWindowFrequency.map(double[]::clone).orElse(null);
    }

    /** The tracker's state as a checkpoint stores it. */
    record FiringState(List<NamedTensor> tensors, long stepsInWindow, Optional<double[]> lastWindowFrequency) {
    }
}
