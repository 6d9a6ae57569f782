package dev.saesplit.artifact;

import com.sun.net.httpserver.HttpServer;
import dev.saesplit.text.Redaction;
import dev.saesplit.track.MlflowBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Credentials for a secured MLflow come from MLflow's own variables, reach every call, and are never shown. */
class MlflowCredentialsTest {

    private static final String TOKEN = "mlflow-token-0123456789";

    @Test
    void aTokenIsABearerHeaderAndUserAndPasswordBasicAuth() {
        assertEquals(Optional.of("Bearer " + TOKEN),
                MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN)).authorizationHeader());
        assertEquals(Optional.of("Basic " + Base64.getEncoder().encodeToString(
                        "lab:pa55word-xyz".getBytes(StandardCharsets.UTF_8))),
                MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "lab",
                        "MLFLOW_TRACKING_PASSWORD", "pa55word-xyz")).authorizationHeader());
        assertEquals(Optional.empty(), MlflowCredentials.fromEnvironment(Map.of()).authorizationHeader());
    }

    @Test
    void aUsernameWithoutAPasswordIsRefusedAndSecretsAreNeverShown() {
        assertThrows(IllegalArgumentException.class,
                () -> MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_USERNAME", "lab")));
        MlflowCredentials token = MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN));
        assertEquals("token", token.toString());
        assertFalse(Redaction.redact("failed with " + TOKEN).contains(TOKEN), "registered as a secret");
    }

    @Test
    void trackingCallsAndArtifactUploadsBothCarryTheToken(@TempDir Path dir) throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                    + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = exchange.getRequestURI().getPath().endsWith("/runs/get")
                    ? "{\"run\":{\"info\":{\"run_id\":\"r1\",\"artifact_uri\":\"mlflow-artifacts:/1/r1/artifacts\"}}}"
                    .getBytes(StandardCharsets.UTF_8) : "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            MlflowBackend backend = new MlflowBackend("http://127.0.0.1:" + server.getAddress().getPort(),
                    MlflowCredentials.fromEnvironment(Map.of("MLFLOW_TRACKING_TOKEN", TOKEN)));

            backend.uploadArtifact("r1", "sae/cfg.json", Files.writeString(dir.resolve("cfg.json"), "{}"));

            assertEquals(List.of("GET /api/2.0/mlflow/runs/get Bearer " + TOKEN,
                    "PUT /api/2.0/mlflow-artifacts/artifacts/1/r1/artifacts/sae/cfg.json Bearer " + TOKEN), seen);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void thePrintedAddressOpensTheExperimentsTrainingRuns() {
        assertEquals("http://mlflow.lab:5000/#/experiments/7/runs",
                new MlflowBackend("http://mlflow.lab:5000/").experimentUrl("7"));
    }
}
