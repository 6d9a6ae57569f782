package dev.saesplit.lm.train;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The language-model training's estimate of its time left, from the pace of this attempt's own steps. */
class TimeLeftTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void isUnknownAtTheFirstReportAndThenTheStepsLeftAtThePaceSinceIt() {
        TimeLeft left = new TimeLeft();
        assertEquals(-1, left.after(5, 100, 1_000 * SECOND));
        // 10 steps in 20 s since the first report: 2 s a step, 85 steps left.
        assertEquals(170, left.after(15, 100, 1_020 * SECOND));
        assertEquals(0, left.after(100, 100, 1_190 * SECOND));
    }

    @Test
    void aResumedAttemptIsTimedFromItsOwnFirstReportNotFromStepZero() {
        TimeLeft left = new TimeLeft();
        assertEquals(-1, left.after(505, 1000, 0));
        // 5 steps in 10 s: 2 s a step, although 510 steps are done.
        assertEquals(980, left.after(510, 1000, 10 * SECOND));
    }
}
