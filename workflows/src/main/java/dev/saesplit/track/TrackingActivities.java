package dev.saesplit.track;

import io.temporal.activity.ActivityInterface;

/** Publishes what people review in the tracking UI beyond the metrics every stage records as it goes. */
@ActivityInterface
public interface TrackingActivities {

    /**
     * Draws the experiment's charts (loss curves of every row, feature densities narrow vs wide), writes its
     * run-configuration table, and queues them with every row's SAE and evaluation for the tracking server.
     */
    void publishReport(ReportRequest request);
}
