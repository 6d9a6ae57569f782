package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainingScheduleTest {

    private final TrainingSchedule schedule = new TrainingSchedule(TrainerConfig.builder(100).learningRate(1.0)
            .lrWarmupSteps(10).lrDecaySteps(20).sparsityCoefficient(4.0).l1WarmupSteps(20).build());

    @ParameterizedTest(name = "step {0}: {1}")
    @CsvSource({"0, 0.1", "9, 1.0", "79, 1.0", "80, 1.0", "90, 0.5", "99, 0.05"})
    void learningRateWarmsUpLinearlyHoldsThenDecaysToZeroOverTheLastDecaySteps(int step, double rate) {
        assertEquals(rate, schedule.learningRate(step), 1e-12);
    }

    @Test
    void withoutDecayStepsTheLearningRateStaysAtItsPeakToTheEndAsSaeLensDefaults() {
        TrainingSchedule constant = new TrainingSchedule(TrainerConfig.builder(100).learningRate(1.0)
                .lrWarmupSteps(0).build());

        assertEquals(1.0, constant.learningRate(0), 1e-12);
        assertEquals(1.0, constant.learningRate(99), 1e-12);
    }

    @ParameterizedTest(name = "step {0}: {1}")
    @CsvSource({"0, 0.0", "10, 2.0", "19, 3.8", "20, 4.0", "99, 4.0"})
    void sparsityCoefficientStartsAtZeroAndReachesItsValueAfterTheWarmUpAsSaeLensCoefficientScheduler(int step,
            double coefficient) {
        assertEquals(coefficient, schedule.sparsityCoefficient(step), 1e-12);
    }
}
