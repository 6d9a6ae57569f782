package dev.saesplit.track;

import dev.saesplit.artifact.MlflowCredentials;
import dev.saesplit.text.Redaction;
import org.mlflow.api.proto.Service;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A real MLflow tracking server: tracking calls through {@code org.mlflow:mlflow-client}, artifacts through the
 * server's artifact proxy over HTTP ({@code mlflow-artifacts} REST API), since the client's own artifact
 * support shells out to a Python command line, which a worker need not have.
 */
public final class MlflowBackend implements TrackingBackend {

    private static final String PROXY_SCHEME = "mlflow-artifacts:/";

    private final String trackingUri;
    private final MlflowClient client;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, String> artifactRoots = new ConcurrentHashMap<>();
    private final MlflowCredentials credentials;

    public MlflowBackend(String trackingUri) {
        this(trackingUri, MlflowCredentials.NONE);
    }

    /** A server that wants {@code credentials} on every call, tracking and artifact uploads alike. */
    public MlflowBackend(String trackingUri, MlflowCredentials credentials) {
        this.trackingUri = trackingUri.replaceAll("/+$", "");
        this.credentials = credentials;
        this.client = new MlflowClient(credentials.hostCreds(this.trackingUri));
    }

    @Override
    public String experimentId(String name) {
        // A search, not get-by-name: the client retries the latter's "not found" answer as if it were transient.
        return call("find or create experiment " + name, () -> client.searchExperiments("name = '" + name + "'")
                .getItems().stream().map(Service.Experiment::getExperimentId).findFirst()
                .orElseGet(() -> client.createExperiment(name)));
    }

    @Override
    public void setExperimentTag(String experimentId, String key, String value) {
        call("tag experiment " + experimentId, () -> {
            client.setExperimentTag(experimentId, key, value);
            return null;
        });
    }

    @Override
    public Optional<String> findRun(String experimentId, String key) {
        return call("search runs", () -> client.searchRuns(List.of(experimentId),
                        "tags.`" + TrackedRuns.KEY_TAG + "` = '" + key + "'").stream()
                .map(Service.RunInfo::getRunId).findFirst());
    }

    @Override
    public String createRun(String experimentId, String runName, Map<String, String> tags) {
        Service.CreateRun.Builder request = Service.CreateRun.newBuilder().setExperimentId(experimentId)
                .setRunName(runName).setStartTime(System.currentTimeMillis());
        tags.forEach((k, v) -> request.addTags(Service.RunTag.newBuilder().setKey(k).setValue(v)));
        return call("create run " + runName, () -> client.createRun(request.build()).getRunId());
    }

    @Override
    public void logBatch(String runId, List<MetricPoint> metrics, Map<String, String> params,
                         Map<String, String> tags) {
        List<Service.Metric> m = metrics.stream().map(p -> Service.Metric.newBuilder().setKey(p.key())
                .setValue(p.value()).setStep(p.step()).setTimestamp(p.timestampMillis()).build()).toList();
        List<Service.Param> ps = params.entrySet().stream().map(e -> Service.Param.newBuilder().setKey(e.getKey())
                .setValue(e.getValue()).build()).toList();
        List<Service.RunTag> ts = tags.entrySet().stream().map(e -> Service.RunTag.newBuilder().setKey(e.getKey())
                .setValue(e.getValue()).build()).toList();
        call("log a batch to run " + runId, () -> {
            client.logBatch(runId, m, ps, ts);
            return null;
        });
    }

    @Override
    public List<MetricPoint> metricHistory(String runId, String key) {
        return call("read metric " + key + " of run " + runId, () -> client.getMetricHistory(runId, key).stream()
                .map(p -> new MetricPoint(p.getKey(), p.getValue(), p.getStep(), p.getTimestamp())).toList());
    }

    @Override
    public void uploadArtifact(String runId, String artifactPath, Path file) {
        String url = trackingUri + "/api/2.0/mlflow-artifacts/artifacts/" + artifactRoot(runId) + "/"
                + encodePath(artifactPath);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMinutes(10)).PUT(HttpRequest.BodyPublishers.ofFile(file));
            credentials.authorizationHeader().ifPresent(header -> request.header("Authorization", header));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500) {
                throw new TrackingUnavailableException("MLflow answered " + response.statusCode() + " to the upload of "
                        + artifactPath + ": " + response.body(), null);
            }
            if (response.statusCode() >= 400) {
                throw new TrackingRejectedException("MLflow refused the upload of " + artifactPath + " ("
                        + response.statusCode() + "): " + response.body(), null);
            }
        } catch (FileNotFoundException e) {
            throw new TrackingRejectedException("artifact " + file + " no longer exists", e);
        } catch (IOException e) {
            throw new TrackingUnavailableException("cannot upload " + artifactPath + " to " + trackingUri + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackingUnavailableException("interrupted while uploading " + artifactPath, e);
        }
    }

    @Override
    public void terminate(String runId, String status, long endTimeMillis) {
        call("end run " + runId, () -> {
            client.setTerminated(runId, Service.RunStatus.valueOf(status), endTimeMillis);
            return null;
        });
    }

    @Override
    public String experimentUrl(String experimentId) {
        // Printed for people to open: the runs view, where the training runs are (the bare experiment page opens
        // on MLflow 3's GenAI overview of traces instead).
        return Redaction.redact(trackingUri + "/#/experiments/" + experimentId + "/runs");
    }

    /** The run's artifact location relative to the proxy ({@code <experiment>/<run>/artifacts}). */
    private String artifactRoot(String runId) {
        return artifactRoots.computeIfAbsent(runId, id -> {
            String uri = call("read run " + id, () -> client.getRun(id).getInfo().getArtifactUri());
            if (!uri.startsWith(PROXY_SCHEME)) {
                throw new TrackingRejectedException("run " + id + " stores artifacts at " + uri + ", not behind the "
                        + "server's artifact proxy; start the MLflow server with --serve-artifacts", null);
            }
            return uri.substring(PROXY_SCHEME.length()).replaceAll("^/+", "");
        });
    }

    private static String encodePath(String path) {
        return java.util.Arrays.stream(path.split("/")).map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)
                .replace("+", "%20")).collect(Collectors.joining("/"));
    }

    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (MlflowHttpException e) {
            if (e.getStatusCode() >= 400 && e.getStatusCode() < 500) {
                throw new TrackingRejectedException("MLflow refused to " + what + " (" + e.getStatusCode() + "): "
                        + e.getBodyMessage(), e);
            }
            throw new TrackingUnavailableException("MLflow failed to " + what + ": " + e.getMessage(), e);
        } catch (MlflowClientException e) {
            throw new TrackingUnavailableException("cannot reach MLflow at " + trackingUri + " to " + what + ": "
                    + e.getMessage(), e);
        }
    }
}
