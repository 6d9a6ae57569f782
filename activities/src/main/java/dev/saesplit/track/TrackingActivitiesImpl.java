package dev.saesplit.track;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.worker.ActivityHeartbeat;

import javax.sql.DataSource;

/**
 * The report stage: writes the experiment's report (see {@link ReportPublisher}) and queues it with the narrow and
 * wide SAEs for the tracking server. Uploading is the sync step's job, so an unreachable tracking server never
 * fails the experiment.
 */
public final class TrackingActivitiesImpl implements TrackingActivities {

    private final ReportPublisher publisher;

    public TrackingActivitiesImpl(ArtifactStore store, DataSource database) {
        this.publisher = new ReportPublisher(store, database);
    }

    @Override
    public void publishReport(ReportRequest r) {
        try (ActivityHeartbeat ignored = ActivityHeartbeat.start(null)) {
            publisher.publish(r);
        }
    }
}
