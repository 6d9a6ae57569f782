package dev.saesplit.track;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A tracking server in memory, for unit tests of delivery logic (the integration tests use a real MLflow). It
 * can be down, or lose the acknowledgement of a metric batch it has in fact stored — the case that makes
 * naive retries duplicate points.
 */
final class RecordingBackend implements TrackingBackend {

    final Map<String, String> experiments = new LinkedHashMap<>();
    final Map<String, Map<String, String>> experimentTags = new LinkedHashMap<>();
    final Map<String, Map<String, String>> runTags = new LinkedHashMap<>();
    final Map<String, Map<String, String>> params = new LinkedHashMap<>();
    final Map<String, List<MetricPoint>> points = new LinkedHashMap<>();
    final Map<String, String> status = new LinkedHashMap<>();
    final List<String> uploads = new ArrayList<>();
    boolean down;
    int acknowledgementsToLose;
    int metricBatches;

    @Override
    public String experimentId(String name) {
        available();
        return experiments.computeIfAbsent(name, n -> Integer.toString(experiments.size() + 1));
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        available();
        experimentTags.computeIfAbsent(experimentId, e -> new LinkedHashMap<>()).put(key, value);
    }

    @Override
    public Optional<String> findRun(String experimentId, String key) {
        available();
        return runTags.entrySet().stream().filter(e -> key.equals(e.getValue().get(TrackedRuns.KEY_TAG)))
                .map(Map.Entry::getKey).findFirst();
    }

    @Override
    public String createRun(String experimentId, String runName, Map<String, String> tags) {
        available();
        String id = "run-" + (runTags.size() + 1);
        runTags.put(id, new LinkedHashMap<>(tags));
        runTags.get(id).put("mlflow.runName", runName);
        return id;
    }

    @Override
    public void logBatch(String runId, List<MetricPoint> metrics, Map<String, String> ps, Map<String, String> tags) {
        available();
        if (metrics.size() > TrackingSync.MAX_METRICS || ps.size() > TrackedRuns.MAX_PARAMS
                || tags.size() > TrackingSync.MAX_TAGS) {
            throw new TrackingRejectedException("batch over MLflow's limits", null);
        }
        points.computeIfAbsent(runId, r -> new ArrayList<>()).addAll(metrics);
        params.computeIfAbsent(runId, r -> new LinkedHashMap<>()).putAll(ps);
        runTags.computeIfAbsent(runId, r -> new LinkedHashMap<>()).putAll(tags);
        if (!metrics.isEmpty()) {
            metricBatches++;
            if (acknowledgementsToLose > 0) {
                acknowledgementsToLose--;
                throw new TrackingUnavailableException("connection reset after the batch was stored", null);
            }
        }
    }

    @Override
    public List<MetricPoint> metricHistory(String runId, String key) {
        available();
        return points.getOrDefault(runId, List.of()).stream().filter(p -> p.key().equals(key)).toList();
    }

    @Override
    public void uploadArtifact(String runId, String artifactPath, Path file) {
        available();
        uploads.add(runId + ":" + artifactPath);
    }

    @Override
    public void terminate(String runId, String endStatus, long endTimeMillis) {
        available();
        status.put(runId, endStatus);
    }

    @Override
    public String experimentUrl(String experimentId) {
        return "memory://" + experimentId;
    }

    String runNamed(String name) {
        return runTags.entrySet().stream().filter(e -> name.equals(e.getValue().get("mlflow.runName")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private void available() {
        if (down) {
            throw new TrackingUnavailableException("connection refused", null);
        }
    }
}
