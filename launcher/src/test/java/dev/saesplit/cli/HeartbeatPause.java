package dev.saesplit.cli;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityExecutionContextBase;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * Holds a real activity still right after it heartbeats the details a test waits for, so the test can read what
 * {@code run} and {@code status} show of a stage while it runs, then lets it go on. The heartbeat is sent first,
 * so the server holds those details during the pause.
 */
final class HeartbeatPause extends WorkerInterceptorBase {

    private static final long LONGEST_PAUSE_SECONDS = 60;

    private volatile BiPredicate<String, Object> pauseAt = (type, details) -> false;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    /** Pauses the first activity of {@code activityType} that heartbeats details {@code when} accepts. */
    HeartbeatPause(String activityType, java.util.function.Predicate<Object> when) {
        this.pauseAt = (type, details) -> type.equals(activityType) && when.test(details);
    }

    /** Waits until an activity has paused; false if none did in time. */
    boolean awaitPaused(long seconds) throws InterruptedException {
        return reached.await(seconds, TimeUnit.SECONDS);
    }

    void release() {
        released.countDown();
    }

    @Override
    public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
        return new ActivityInboundCallsInterceptorBase(next) {
            @Override
            public void init(ActivityExecutionContext context) {
                super.init(new Pausing(context));
            }
        };
    }

    private final class Pausing extends ActivityExecutionContextBase {

        Pausing(ActivityExecutionContext next) {
            super(next);
        }

        @Override
        public <V> void heartbeat(V details) {
            super.heartbeat(details);
            // The activity's own threads pause; the background thread that repeats its latest details does not,
            // or the activity would go on working while the test looks.
            if (!Thread.currentThread().getName().startsWith("heartbeat-")
                    && pauseAt.test(getInfo().getActivityType(), details)) {
                pauseAt = (type, d) -> false;
                reached.countDown();
                try {
                    released.await(LONGEST_PAUSE_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
