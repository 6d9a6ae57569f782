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

    @Test
    void aRedirectToAnotherOriginCarriesNoCredentials() throws Exception {
        HttpServer redirecting = redirectingTo("http://localhost:" + server.getAddress().getPort());
        try {
            SharedStorage proxy = proxy(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123456789"),
                    redirecting.getAddress().getPort());

            assertThrows(java.io.IOException.class, () -> proxy.list("sae"), "the other origin refuses: no header");

            assertEquals(List.of("GET /api/2.0/mlflow-artifacts/artifacts?path=saesplit%2Fsae null"), seen);
        } finally {
            redirecting.stop(0);
        }
    }

    @Test
    void aRedirectWithinTheServersOriginKeepsItsCredentials() throws Exception {
        HttpServer redirecting = redirectingTo("");
        redirecting.createContext("/moved", exchange -> {
            seen.add("moved " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"files\": []}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        try {
            SharedStorage proxy = proxy(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123456789"),
                    redirecting.getAddress().getPort());

            proxy.list("sae");

            assertEquals(List.of("moved Bearer tok-123456789"), seen);
        } finally {
            redirecting.stop(0);
        }
    }

    @Test
    void credentialsAreNotSentOverPlainHttpToAnotherMachineUnlessAllowed() {
        Map<String, String> env = new java.util.HashMap<>(Map.of("MLFLOW_TRACKING_TOKEN", "tok-123456789",
                "SAESPLIT_ARTIFACTS", "mlflow-artifacts://10.20.30.40:5000/saesplit"));

        ArtifactConfigException refused = assertThrows(ArtifactConfigException.class,
                () -> ArtifactStoreConfig.fromEnvironment(env).storage());
        assertTrue(refused.getMessage().contains("plain HTTP"), refused.getMessage());
        assertFalse(refused.getMessage().contains("tok-"), refused.getMessage());

        env.put("SAESPLIT_MLFLOW_HTTP_CREDENTIALS", "true");
        assertTrue(ArtifactStoreConfig.fromEnvironment(env).storage().isPresent());
    }

    /** A server that answers every artifact request with 307 to the same path under {@code target}. */
    private static HttpServer redirectingTo(String target) throws java.io.IOException {
        HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/api", exchange -> {
            exchange.getRequestBody().readAllBytes();
            String path = target.isEmpty() ? "/moved" : exchange.getRequestURI().toString();
            exchange.getResponseHeaders().add("Location", target + path);
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        redirecting.start();
        return redirecting;
    }

    private SharedStorage proxy(Map<String, String> credentials) {
        return proxy(credentials, server.getAddress().getPort());
    }

    private static SharedStorage proxy(Map<String, String> credentials, int port) {
        java.util.HashMap<String, String> env = new java.util.HashMap<>(credentials);
        env.put("SAESPLIT_ARTIFACTS", "mlflow-artifacts://127.0.0.1:" + port + "/saesplit");
        return ArtifactStoreConfig.fromEnvironment(env).storage().orElseThrow();
    }
}
