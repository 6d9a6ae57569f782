package dev.saesplit.worker;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ReadCountingSource;
import dev.saesplit.pipeline.ScanProgress;

/**
 * Heartbeats the progress of an activity that reads activations ({@link ScanProgress}): the rows read through
 * {@link #counting} as they are read, or the phase it is in between scans. Like {@link ActivityHeartbeat}, it
 * keeps heartbeating at a steady pace whatever the scan does, and a scan of an activity the server cancelled
 * stops at its next read ({@link #counting}, {@link #checking}); other long loops ask {@link #checkNotCancelled}.
 */
public final class ScanHeartbeat implements AutoCloseable {

    private final ActivityHeartbeat heartbeat;

    private ScanHeartbeat(ActivityHeartbeat heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** Starts heartbeating the activity running on this thread, in {@code phase} until its first scan. */
    public static ScanHeartbeat start(String phase) {
        return new ScanHeartbeat(ActivityHeartbeat.start(new ScanProgress(phase, 0, 0)));
    }

    /**
     * {@code source}, reporting every read through it as progress of passes of {@code rowsPerPass} rows each
     * (its own rows, or the fewer a scan stops at).
     */
    public ActivationSource counting(ActivationSource source, long rowsPerPass) {
        heartbeat.update(new ScanProgress("", 0, rowsPerPass));
        return new ReadCountingSource(source, read -> {
            heartbeat.update(new ScanProgress("", read, rowsPerPass));
            heartbeat.checkNotCancelled();
        });
    }

    /**
     * {@code source}, unreported as progress (the activity stays in its phase) but, like {@link #counting}, stopping
     * a scan of it at its next read once the server has cancelled the activity.
     */
    public ActivationSource checking(ActivationSource source) {
        return new ReadCountingSource(source, read -> heartbeat.checkNotCancelled());
    }

    /** Throws if the server asked this activity to stop: for a loop that reads no activations, once a step. */
    public void checkNotCancelled() {
        heartbeat.checkNotCancelled();
    }

    /** Reports a phase that reads no rows (the scans are over). */
    public void phase(String phase) {
        heartbeat.update(new ScanProgress(phase, 0, 0));
        heartbeat.checkNotCancelled();
    }

    @Override
    public void close() {
        heartbeat.close();
    }
}
