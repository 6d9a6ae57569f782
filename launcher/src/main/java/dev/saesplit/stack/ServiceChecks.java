package dev.saesplit.stack;

import dev.saesplit.artifact.ArtifactStoreConfig;
import dev.saesplit.artifact.SharedStorage;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.text.Redaction;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Which Temporal, PostgreSQL, MLflow and artifact store a worker with this environment uses, and whether each
 * answers: what {@code stack status} prints first, so a worker on a new machine can be checked before it is
 * started. Secrets never appear: passwords are masked, an API key is only said to be set.
 */
public final class ServiceChecks {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private ServiceChecks() {
    }

    /** One line per service: its name, where it is, and whether it answers. */
    public static List<String> lines(Map<String, String> environment, Path stateDir) {
        List<String> lines = new ArrayList<>();
        lines.add(temporal(environment));
        lines.add(postgres(environment));
        lines.add(mlflow(environment));
        lines.add(artifacts(environment, stateDir));
        return lines.stream().map(Redaction::redact).toList();
    }

    static String temporal(Map<String, String> environment) {
        String configured = environment.getOrDefault("TEMPORAL_ADDRESS", "").trim();
        String address = configured.isEmpty() ? "127.0.0.1:" + TemporalServer.DEV_PORT : configured;
        TemporalConnection connection;
        try {
            connection = TemporalConnection.fromEnvironment(environment);
        } catch (TemporalConnection.Invalid e) {
            return line("Temporal", address, "not usable: " + e.getMessage());
        }
        String where = address + (configured.isEmpty() ? " (dev server)" : "") + ", " + connection.describe();
        WorkflowServiceStubs stubs;
        try {
            stubs = WorkflowServiceStubs.newServiceStubs(connection.stubsOptions(address));
        } catch (RuntimeException e) {
            return line("Temporal", where, "not usable: " + e.getMessage());
        }
        try {
            stubs.blockingStub().withDeadlineAfter(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
            return line("Temporal", where, "answers");
        } catch (StatusRuntimeException e) {
            return line("Temporal", where, grpcVerdict(e.getStatus().getCode()));
        } finally {
            stubs.shutdownNow();
        }
    }

    static String grpcVerdict(Status.Code code) {
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "does not answer";
            case UNAUTHENTICATED, PERMISSION_DENIED -> "answers, but refuses these credentials (" + code + ")";
            default -> "answers";
        };
    }

    static String postgres(Map<String, String> environment) {
        DatabaseConfig config = DatabaseConfig.fromEnvironment(environment);
        if (config.externalUrl().isEmpty()) {
            Path data = config.localDataDir().toAbsolutePath();
            return line("PostgreSQL", "local server, data in " + data, LocalPostgres.runningPort(config.localDataDir())
                    .map(port -> "running on 127.0.0.1:" + port).orElse("stopped (commands start it on demand)"));
        }
        String url = config.externalUrl().get();
        Redaction.registerSecret(config.password());
        String where = url + " as " + config.user() + (config.password().isEmpty() ? "" : " (password "
                + Redaction.MASK + ")");
        DriverManager.setLoginTimeout((int) TIMEOUT.toSeconds());
        try (Connection ignored = DriverManager.getConnection(url, config.user(), config.password())) {
            return line("PostgreSQL", where, "answers");
        } catch (SQLException e) {
            return line("PostgreSQL", where, "does not answer: " + e.getMessage());
        }
    }

    static String mlflow(Map<String, String> environment) {
        String configured = environment.getOrDefault("MLFLOW_TRACKING_URI", "").trim().replaceAll("/+$", "");
        String uri = configured.isEmpty() ? "http://127.0.0.1:" + MlflowServer.DEV_PORT : configured;
        String where = uri + (configured.isEmpty() ? " (dev server)" : "");
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        try {
            HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(uri + "/health"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            return line("MLflow", where, health.statusCode() == 200 ? "answers"
                    : "answers with HTTP " + health.statusCode() + " on /health");
        } catch (IOException | IllegalArgumentException e) {
            return line("MLflow", where, "does not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return line("MLflow", where, "not checked (interrupted)");
        }
    }

    static String artifacts(Map<String, String> environment, Path stateDir) {
        Optional<SharedStorage> shared = ArtifactStoreConfig.fromEnvironment(environment).storage();
        if (shared.isPresent()) {
            return line("Artifacts", shared.get().describe(), "configured by " + ArtifactStoreConfig.VARIABLE);
        }
        Path local = stateDir.resolve("artifacts").toAbsolutePath().normalize();
        return line("Artifacts", local + " (local directory)", Files.isDirectory(local)
                ? (Files.isWritable(local) ? "writable" : "not writable") : "not created yet");
    }

    private static String line(String service, String where, String verdict) {
        return String.format("%-11s %s — %s", service, where, verdict);
    }
}
