package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TrainingScheduleTest {

    private final TrainingSchedule schedule = new TrainingSchedule(TrainerConfig.builder(100).learningRate(1.0)
            .lrWarmupSteps(10).lrDecaySteps(20).sparsityCoefficient(4.0).l1WarmupSteps(20).build());

    @Test
    void learningRateWarmsUpLinearlyHoldsThenDecaysToZeroOverTheLastDecaySteps() {
        assertEquals(0.1, schedule.learningRate(0), 1e-12);
        assertEquals(1.0, schedule.learningRate(9), 1e-12);
        assertEquals(1.0, schedule.learningRate(79), 1e-12);
        assertEquals(1.0, schedule.learningRate(80), 1e-12);
        assertEquals(0.5, schedule.learningRate(90), 1e-12);
        assertEquals(0.05, schedule.learningRate(99), 1e-12);
    }

    @Test
    void withoutDecayStepsTheLearningRateStaysAtItsPeakToTheEndAsSaeLensDefaults() {
        TrainingSchedule constant = new TrainingSchedule(TrainerConfig.builder(100).learningRate(1.0)
                .lrWarmupSteps(0).build());

        assertEquals(1.0, constant.learningRate(0), 1e-12);
        assertEquals(1.0, constant.learningRate(99), 1e-12);
    }

    @Test
    void sparsityCoefficientStartsAtZeroAndReachesItsValueAfterTheWarmUpAsSaeLensCoefficientScheduler() {
        assertEquals(0.0, schedule.sparsityCoefficient(0), 1e-12);
        assertEquals(2.0, schedule.sparsityCoefficient(10), 1e-12);
        assertEquals(3.8, schedule.sparsityCoefficient(19), 1e-12);
        assertEquals(4.0, schedule.sparsityCoefficient(20), 1e-12);
        assertEquals(4.0, schedule.sparsityCoefficient(99), 1e-12);
    }
}
