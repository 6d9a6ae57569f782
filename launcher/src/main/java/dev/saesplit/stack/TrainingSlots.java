package dev.saesplit.stack;

import dev.saesplit.sae.ComputeDevice;

import java.util.Locale;

/**
 * How many training activities one worker runs at once, and how many cores each gets. One training of the
 * study's shape keeps a GPU busy, so a GPU worker trains one row at a time unless told otherwise. On CPUs,
 * libtorch's products stop scaling well at a few threads for SAE shapes, so a worker with many cores trains
 * several rows side by side, {@value #CORES_PER_TRAINING} cores each; a small machine trains one row at a time
 * on all of its cores, as before.
 *
 * @param slots              training activities run at once
 * @param threadsPerTraining libtorch intra-op threads each training uses
 */
public record TrainingSlots(int slots, int threadsPerTraining) {

    /** Cores one CPU training gets when a worker has enough to run several. */
    static final int CORES_PER_TRAINING = 4;
    /** The most trainings a worker may be told to run at once. */
    public static final int MAX_SLOTS = 256;

    public TrainingSlots {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("--max-concurrent must be between 1 and " + MAX_SLOTS + ", got "
                    + slots);
        }
        if (threadsPerTraining < 1) {
            throw new IllegalArgumentException("threads per training must be at least 1, got " + threadsPerTraining);
        }
    }

    /** The default for a machine: {@code cores} CPU cores, training on {@code device} (cpu, cuda, cuda:N, auto). */
    public static TrainingSlots forMachine(int cores, String device) {
        if (!device.trim().toLowerCase(Locale.ROOT).equals("cpu")) {
            return new TrainingSlots(1, cores);
        }
        return ofCores(Math.max(1, cores / CORES_PER_TRAINING), cores);
    }

    /** {@code slots} trainings sharing {@code cores} cores evenly (at least one thread each). */
    public static TrainingSlots ofCores(int slots, int cores) {
        return new TrainingSlots(slots, Math.max(1, cores / Math.max(1, slots)));
    }

    /** This machine's default, for the device the environment selects. */
    public static TrainingSlots forThisMachine() {
        return forMachine(Runtime.getRuntime().availableProcessors(),
                System.getProperty(ComputeDevice.PROPERTY, System.getenv().getOrDefault(ComputeDevice.ENVIRONMENT,
                        "cpu")));
    }

    /** {@code slots} trainings on this machine's cores. */
    public static TrainingSlots onThisMachine(int slots) {
        return ofCores(slots, Runtime.getRuntime().availableProcessors());
    }
}
