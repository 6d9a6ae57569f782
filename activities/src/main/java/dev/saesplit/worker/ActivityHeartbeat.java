package dev.saesplit.worker;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCompletionException;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Heartbeats the current activity from a background thread at a steady pace, whatever the activity's own loop
 * is doing, with the latest details it was given. A worker that dies stops heartbeating, so the server retries
 * the activity elsewhere within the heartbeat timeout; a cancellation the server reports through a heartbeat
 * is raised on the activity's thread by {@link #checkNotCancelled()}.
 */
public final class ActivityHeartbeat implements AutoCloseable {

    private static final Duration INTERVAL = Duration.ofSeconds(5);

    private final ActivityExecutionContext context;
    private final ScheduledExecutorService timer;
    private volatile Object details;
    private volatile ActivityCompletionException stop;

    private ActivityHeartbeat(ActivityExecutionContext context, Object details) {
        this.context = context;
        this.details = details;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "heartbeat-" + context.getInfo().getActivityId());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleAtFixedRate(this::beat, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts heartbeating the activity running on this thread. */
    public static ActivityHeartbeat start(Object initialDetails) {
        return new ActivityHeartbeat(Activity.getExecutionContext(), initialDetails);
    }

    /** Details sent with every later heartbeat (and at once). */
    public void update(Object newDetails) {
        details = newDetails;
        beat();
    }

    /** Throws if the server asked this activity to stop (cancelled, or timed out and retried elsewhere). */
    public void checkNotCancelled() {
        ActivityCompletionException seen = stop;
        if (seen != null) {
            throw seen;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private synchronized void beat() {
        try {
            context.heartbeat(details);
        } catch (ActivityCompletionException e) {
            stop = e;
        }
    }
}
