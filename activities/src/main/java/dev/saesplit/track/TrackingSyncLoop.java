package dev.saesplit.track;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Delivers tracking data in the background of a worker, every few seconds. An unreachable tracking server is
 * reported once when it goes away and once when it comes back; the backlog waits in PostgreSQL meanwhile.
 */
public final class TrackingSyncLoop implements AutoCloseable {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "tracking-sync");
        thread.setDaemon(true);
        return thread;
    });
    private final TrackingSync sync;
    private boolean unavailable;

    private TrackingSyncLoop(TrackingSync sync, Duration interval) {
        this.sync = sync;
        timer.scheduleWithFixedDelay(this::syncOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static TrackingSyncLoop start(TrackingSync sync, Duration interval) {
        return new TrackingSyncLoop(sync, interval);
    }

    private void syncOnce() {
        try {
            SyncReport report = sync.syncOnce();
            if (report.unavailable().isPresent() != unavailable) {
                unavailable = report.unavailable().isPresent();
                System.err.println(unavailable
                        ? "saesplit: tracking server unreachable, " + report.pending() + " records wait in PostgreSQL ("
                        + report.unavailable().get() + ")"
                        : "saesplit: tracking server reachable again, backlog delivered");
            }
        } catch (RuntimeException e) {
            System.err.println("saesplit: tracking sync failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
