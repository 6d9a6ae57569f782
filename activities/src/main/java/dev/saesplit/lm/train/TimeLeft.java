package dev.saesplit.lm.train;

/**
 * The time a training has left, at the pace measured from this attempt's first progress report on: reading the
 * corpus before the first step, and the steps of an earlier attempt that this one resumed, do not enter it.
 */
final class TimeLeft {

    private long firstStep = -1;
    private long firstNanos;

    /**
     * Seconds left after {@code step} of {@code totalSteps}, reported at {@code nowNanos}
     * ({@link System#nanoTime()}); -1 at the first report, before any pace is known.
     */
    long after(long step, long totalSteps, long nowNanos) {
        if (firstStep < 0) {
            firstStep = step;
            firstNanos = nowNanos;
            return -1;
        }
        long stepsSince = step - firstStep;
        if (stepsSince <= 0) {
            return -1;
        }
        double secondsPerStep = (nowNanos - firstNanos) / 1e9 / stepsSince;
        return Math.round(secondsPerStep * Math.max(0, totalSteps - step));
    }
}
