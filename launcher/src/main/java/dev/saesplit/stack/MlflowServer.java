package dev.saesplit.stack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A real MLflow tracking server: the one {@code MLFLOW_TRACKING_URI} names, one already listening on the dev
 * stack's port, or {@code mlflow server} from the project's Python environment with its backend store (SQLite)
 * and artifacts under the state directory, serving artifacts through its HTTP proxy.
 */
public final class MlflowServer extends StackServer {

    public static final int DEV_PORT = 5000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String trackingUri;

    private MlflowServer(String trackingUri, ServerProcess process) {
        super(process);
        this.trackingUri = trackingUri;
    }

    /** The server the environment names, else the dev server (attached to, or started detached). */
    public static MlflowServer forEnvironment(Map<String, String> environment, Path stateDir,
                                              PythonEnvironment python) {
        String configured = environment.getOrDefault("MLFLOW_TRACKING_URI", "").trim();
        if (!configured.isEmpty()) {
            return new MlflowServer(configured.replaceAll("/+$", ""), null);
        }
        return startOrAttach(stateDir, python, true);
    }

    /** The dev server on its default port: attached to if it runs, started otherwise. */
    public static MlflowServer startOrAttach(Path stateDir, PythonEnvironment python, boolean detached) {
        if (LoopbackPorts.accepts(DEV_PORT)) {
            return new MlflowServer(uri(DEV_PORT), null);
        }
        return start(stateDir, python, DEV_PORT, detached);
    }

    /** Starts {@code mlflow server} on {@code port}, keeping its data in {@code <stateDir>/mlflow}. */
    public static MlflowServer start(Path stateDir, PythonEnvironment python, int port, boolean detached) {
        Path data = stateDir.resolve("mlflow").toAbsolutePath();
        Path mlflow = python.executable("mlflow", false);
        List<String> command = List.of(mlflow.toString(), "server", "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--workers", "1",
                "--backend-store-uri", "sqlite:///" + data.resolve("mlflow.db"),
                "--artifacts-destination", data.resolve("artifacts").toString());
        String uri = uri(port);
        try {
            java.nio.file.Files.createDirectories(data);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + data + ": " + e.getMessage(), e);
        }
        ServerProcess process = ServerProcess.launch(Name.MLFLOW.file(), command, stateDir, detached,
                () -> healthy(uri), Duration.ofSeconds(120));
        return new MlflowServer(uri, process);
    }

    /** The tracking URI clients use, e.g. {@code http://127.0.0.1:5000}. */
    public String trackingUri() {
        return trackingUri;
    }

    static boolean healthy(String uri) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(uri + "/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String uri(int port) {
        return "http://127.0.0.1:" + port;
    }
}
