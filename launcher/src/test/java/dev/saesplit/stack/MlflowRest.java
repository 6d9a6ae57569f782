package dev.saesplit.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What an MLflow server holds, read over its REST API exactly as any other client would. */
public final class MlflowRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String uri;
    private final HttpClient http = HttpClient.newHttpClient();

    public MlflowRest(String uri) {
        this.uri = uri;
    }

    /** Every run of the experiment named {@code experiment}, keyed by run name. */
    public Map<String, JsonNode> runs(String experiment) throws IOException, InterruptedException {
        Map<String, JsonNode> runs = new LinkedHashMap<>();
        allRuns(experiment).forEach(run -> runs.put(run.path("info").path("run_name").asText(), run));
        return runs;
    }

    /** Every run of the experiment named {@code experiment}, runs of the same name included. */
    public List<JsonNode> allRuns(String experiment) throws IOException, InterruptedException {
        String id = get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + encode(experiment))
                .path("experiment").path("experiment_id").asText();
        JsonNode found = post("/api/2.0/mlflow/runs/search",
                "{\"experiment_ids\": [\"" + id + "\"], \"max_results\": 1000}");
        List<JsonNode> runs = new ArrayList<>();
        found.path("runs").forEach(runs::add);
        return runs;
    }

    public static String runId(JsonNode run) {
        return run.path("info").path("run_id").asText();
    }

    public static Map<String, String> entries(JsonNode run, String kind) {
        Map<String, String> entries = new LinkedHashMap<>();
        run.path("data").path(kind).forEach(e -> entries.put(e.path("key").asText(), e.path("value").asText()));
        return entries;
    }

    /** The steps of every point of metric {@code key}, in the order MLflow returns them. */
    public List<Long> metricSteps(String runId, String key) throws IOException, InterruptedException {
        JsonNode history = get("/api/2.0/mlflow/metrics/get-history?max_results=25000&run_id=" + runId
                + "&metric_key=" + encode(key));
        List<Long> steps = new ArrayList<>();
        history.path("metrics").forEach(m -> steps.add(m.path("step").asLong()));
        return steps;
    }

    /** An artifact's bytes, downloaded through the server's artifact proxy. */
    public byte[] artifact(String experimentId, String runId, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(uri
                + "/api/2.0/mlflow-artifacts/artifacts/" + experimentId + "/" + runId + "/artifacts/" + path))
                .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException("GET artifact " + path + " answered " + response.statusCode());
        }
        return response.body();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode post(String path, String body) throws IOException, InterruptedException {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(uri + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
