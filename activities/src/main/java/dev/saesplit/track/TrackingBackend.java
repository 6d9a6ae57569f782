package dev.saesplit.track;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tracking server, as the sync step needs it. MLflow is the implementation people use; the interface keeps
 * the sync's delivery logic (batching, exactly-once metrics, ordering) independent of it. Every method throws
 * {@link TrackingUnavailableException} when the server cannot be reached, and
 * {@link TrackingRejectedException} when it refuses a request as invalid.
 */
public interface TrackingBackend {

    /** The id of the experiment named {@code name}, created if missing. */
    String experimentId(String name);

    /** The run of {@code experimentId} tagged with {@code key}, if one exists. */
    Optional<String> findRun(String experimentId, String key);

    /** Sets a tag of the experiment itself (its description, the view the UI opens). */
    void setExperimentTag(String experimentId, String key, String value);

    /** Creates a run with {@code tags} (name, parent and the run's key among them); returns its id. */
    String createRun(String experimentId, String runName, Map<String, String> tags);

    /** Logs in one request; callers keep within the server's batch limits. */
    void logBatch(String runId, List<MetricPoint> metrics, Map<String, String> params, Map<String, String> tags);

    /** Every point of metric {@code key} of the run. */
    List<MetricPoint> metricHistory(String runId, String key);

    /** Uploads {@code file} as the run's artifact at {@code artifactPath}, replacing any file there. */
    void uploadArtifact(String runId, String artifactPath, Path file);

    /** Sets the run's final status (FINISHED, FAILED, KILLED). */
    void terminate(String runId, String status, long endTimeMillis);

    /** Where a person opens the experiment in the tracking UI. */
    String experimentUrl(String experimentId);

    /**
     * One metric point.
     *
     * @param key             metric name
     * @param value           value
     * @param step            step
     * @param timestampMillis when it was recorded
     */
    record MetricPoint(String key, double value, long step, long timestampMillis) {
    }
}
