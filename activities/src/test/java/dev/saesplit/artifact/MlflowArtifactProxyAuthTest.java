package dev.saesplit.artifact;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the proxy backend sends a server that wants credentials: MLflow's own environment variables become the
 * {@code Authorization} header, and a refusal is an error that names the server but not the secret.
 */
class MlflowArtifactProxyAuthTest {

    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " " + auth);
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"error_code\": \"PERMISSION_DENIED\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(auth == null ? 401 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aTokenIsSentAsABearerHeader() throws Exception {
        SharedStorage proxy = proxy(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123456789"));
        Path file = Files.writeString(Files.createTempFile("saesplit-auth-", ".txt"), "x");

        proxy.put("sae/k/cfg.json", file);

        assertEquals(List.of("PUT /api/2.0/mlflow-artifacts/artifacts/saesplit/sae/k/cfg.json Bearer tok-123456789"),
                seen);
        Files.delete(file);
    }

    @Test
    void aUserAndPasswordAreSentAsBasicAuthentication() throws Exception {
        SharedStorage proxy = proxy(Map.of("MLFLOW_TRACKING_USERNAME", "lab", "MLFLOW_TRACKING_PASSWORD", "pw-987654321"));

        proxy.list("sae");

        String expected = "Basic " + Base64.getEncoder().encodeToString("lab:pw-987654321".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("GET /api/2.0/mlflow-artifacts/artifacts?path=saesplit%2Fsae " + expected), seen);
    }

    @Test
    void aRefusalNamesTheServerAndStatusButNeverTheCredentials() {
        SharedStorage proxy = proxy(Map.of());

        java.io.IOException refused = assertThrows(java.io.IOException.class, () -> proxy.list("sae"));

        assertTrue(refused.getMessage().contains("answered 401 to list sae"), refused.getMessage());
        assertFalse(proxy(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123456789")).describe().contains("tok-"));
    }

    private SharedStorage proxy(Map<String, String> credentials) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(credentials);
        env.put("SAESPLIT_ARTIFACTS", "mlflow-artifacts://127.0.0.1:" + server.getAddress().getPort() + "/saesplit");
        return ArtifactStoreConfig.fromEnvironment(env).storage().orElseThrow();
    }
}
