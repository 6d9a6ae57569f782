package dev.saesplit.stack;

import io.grpc.Status;
import io.temporal.testserver.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code stack status} says about each service: where it is, whether it answers, and no secret. */
class ServiceChecksTest {

    private static final String PASSWORD = "s3cret-Passw0rd";
    private static final String API_KEY = "tmprl-key-0123456789abcdef";

    @TempDir
    Path home;

    @Test
    void servicesThatDoNotListenDoNotAnswerAndNoSecretIsShown() throws IOException {
        int closed = TestServices.freePort();
        Map<String, String> env = Map.of(
                "TEMPORAL_ADDRESS", "127.0.0.1:" + closed, "TEMPORAL_API_KEY", API_KEY,
                "TEMPORAL_NAMESPACE", "lab",
                "SAESPLIT_DB_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/saesplit?password=" + PASSWORD,
                "SAESPLIT_DB_PASSWORD", PASSWORD,
                "MLFLOW_TRACKING_URI", "http://127.0.0.1:" + closed);

        List<String> lines = ServiceChecks.lines(env, home);

        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("Temporal    127.0.0.1:" + closed + ", namespace lab, TLS, API key set — "),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("PostgreSQL  jdbc:postgresql://127.0.0.1:" + closed
                + "/saesplit?password=*** as saesplit (password ***) — does not answer"), lines.get(1));
        assertEquals("MLflow      http://127.0.0.1:" + closed + " — does not answer", lines.get(2));
        assertEquals("Artifacts   " + home.toAbsolutePath().resolve("artifacts") + " (local directory) — not created yet",
                lines.get(3));
        String all = String.join("\n", lines);
        assertFalse(all.contains(PASSWORD) || all.contains(API_KEY), all);
    }

    @Test
    void aTemporalServerThatListensAnswers() throws Exception {
        int port = TestServices.freePort();
        var server = TestServer.createPortBoundServer(port, true);
        try {
            String line = ServiceChecks.temporal(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port));
            assertEquals("Temporal    127.0.0.1:" + port + ", namespace default — answers", line);
        } finally {
            server.close();
        }
        assertTrue(ServiceChecks.temporal(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + port))
                .endsWith("— does not answer"), "once stopped");
    }

    @Test
    void refusedCredentialsAreToldApartFromSilence() {
        assertEquals("answers, but refuses these credentials (UNAUTHENTICATED)",
                ServiceChecks.grpcVerdict(Status.Code.UNAUTHENTICATED));
        assertEquals("does not answer", ServiceChecks.grpcVerdict(Status.Code.UNAVAILABLE));
    }

    @Test
    void aSharedStoreIsShownAsConfiguredAndALocalOneByItsDirectory() throws IOException {
        assertEquals("Artifacts   shared directory /mnt/lab/saesplit — configured by SAESPLIT_ARTIFACTS",
                ServiceChecks.artifacts(Map.of("SAESPLIT_ARTIFACTS", "file:///mnt/lab/saesplit"), home));
        Files.createDirectories(home.resolve("artifacts"));
        assertTrue(ServiceChecks.artifacts(Map.of(), home).endsWith("(local directory) — writable"));
    }
}
