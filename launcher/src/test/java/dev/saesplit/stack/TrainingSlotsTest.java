package dev.saesplit.stack;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How many rows one worker trains at once, and on how many threads each. */
class TrainingSlotsTest {

    @Test
    void aSmallCpuMachineTrainsOneRowOnAllItsCores() {
        assertEquals(new TrainingSlots(1, 2), TrainingSlots.forMachine(2, "cpu"));
        assertEquals(new TrainingSlots(1, 7), TrainingSlots.forMachine(7, "cpu"));
    }

    @Test
    void aLargeCpuMachineTrainsARowPerFourCores() {
        assertEquals(new TrainingSlots(4, 4), TrainingSlots.forMachine(16, "cpu"));
        assertEquals(new TrainingSlots(2, 4), TrainingSlots.forMachine(9, "cpu"));
    }

    @Test
    void aGpuMachineTrainsOneRowAtATime() {
        assertEquals(new TrainingSlots(1, 16), TrainingSlots.forMachine(16, "cuda"));
        assertEquals(new TrainingSlots(1, 16), TrainingSlots.forMachine(16, "cuda:1"));
    }

    @Test
    void anExplicitCapSharesTheCoresEvenly() {
        assertEquals(new TrainingSlots(3, 5), TrainingSlots.ofCores(3, 16));
        assertEquals(new TrainingSlots(4, 1), TrainingSlots.ofCores(4, 2), "never fewer than one thread");
    }

    @Test
    void aCapOutsideItsRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TrainingSlots.ofCores(0, 4));
        assertThrows(IllegalArgumentException.class, () -> TrainingSlots.ofCores(TrainingSlots.MAX_SLOTS + 1, 4));
    }
}
