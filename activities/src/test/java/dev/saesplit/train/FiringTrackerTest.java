package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.ComputeDevice;
import org.junit.jupiter.api.Test;

class FiringTrackerTest {

    @Test
    void aWindowOfTokensDecidesDeadLatentsDenseLatentsAndFiringFrequencies() {
        DeadLatentPolicy policy = new DeadLatentPolicy(20, 0.1, false, 1); // two steps of ten tokens
        try (NDManager manager = ComputeDevice.newManager(Device.cpu())) {
            FiringTracker tracker = new FiringTracker(manager, 3, 10, policy);
            record(manager, tracker, 10, 0, 1);
            record(manager, tracker, 10, 0, 0);

            assertArrayEquals(new boolean[] {false, true, false}, tracker.deadLatents());
            assertEquals(1.0 / 3, tracker.deadFraction(), 1e-12);
            assertEquals(1.0 / 3, tracker.denseFraction(), 1e-12, "only latent 0 fires above 10 %");
            assertArrayEquals(new float[] {0f, -10f, (float) Math.log10(0.05 + 1e-10)},
                    tracker.log10FiringFrequency(), 1e-6f);
        }
    }

    @Test
    void theCurrentPartialWindowServesUntilTheFirstWindowCompletes() {
        DeadLatentPolicy policy = new DeadLatentPolicy(1000, 0.1, false, 1);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu())) {
            FiringTracker tracker = new FiringTracker(manager, 2, 10, policy);
            record(manager, tracker, 5, 0);

            assertArrayEquals(new float[] {(float) Math.log10(0.5 + 1e-10), -10f}, tracker.log10FiringFrequency(),
                    1e-6f);
            assertArrayEquals(new boolean[] {false, false}, tracker.deadLatents(), "100 tokens are not a window");
        }
    }

    private static void record(NDManager manager, FiringTracker tracker, float... counts) {
        try (NDArray activeCounts = manager.create(counts)) {
            tracker.record(activeCounts);
        }
    }
}
