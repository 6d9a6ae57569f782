package dev.saesplit.airflow;

import com.sun.net.httpserver.HttpServer;
import dev.saesplit.airflow.invoker.ApiException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Which failures the client tries again. A sign-in endpoint on loopback hands out tokens (without an expiry, so
 * each call fetches one); the calls themselves are lambdas that fail the way Airflow's standalone server does
 * when its SQLite database is busy (HTTP 500, "Database error").
 */
class AirflowClientRetryTest {

    private final AtomicInteger tokensHandedOut = new AtomicInteger();
    private HttpServer signIn;
    private AirflowClient client;

    @BeforeEach
    void start() throws Exception {
        signIn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        signIn.createContext("/auth/token", exchange -> {
            tokensHandedOut.incrementAndGet();
            byte[] body = "{\"access_token\": \"token\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        signIn.start();
        client = AirflowClient.connect(URI.create("http://127.0.0.1:" + signIn.getAddress().getPort()),
                new AirflowCredentials("admin", "secret"));
    }

    @AfterEach
    void stop() {
        signIn.stop(0);
    }

    @Test
    void aReadThatMeetsABusyDatabaseIsTriedAgainUntilItAnswers() throws Exception {
        AtomicInteger attempts = new AtomicInteger();

        String answer = client.read("list tasks", () -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new ApiException(500, "Internal Server Error", null, "{\"detail\": \"Database error\"}");
            }
            return "tasks";
        });

        assertEquals("tasks", answer);
        assertEquals(3, attempts.get());
    }

    @Test
    void aWriteThatMeetsAServerErrorIsNotRepeatedAndAnUnknownDagIsNotRetriedAtAll() {
        AtomicInteger writes = new AtomicInteger();
        ApiException e = assertThrows(ApiException.class, () -> client.call("trigger", () -> {
            writes.incrementAndGet();
            throw new ApiException(500, "Internal Server Error", null, "{\"detail\": \"Database error\"}");
        }));
        assertEquals(500, e.getCode());
        assertEquals(1, writes.get(), "a write that may have happened is not sent twice");

        AtomicInteger reads = new AtomicInteger();
        assertEquals(404, assertThrows(ApiException.class, () -> client.read("GET dag", () -> {
            reads.incrementAndGet();
            throw new ApiException(404, "Not Found", null, "{\"detail\": \"The Dag with ID: `x` was not found\"}");
        })).getCode());
        assertEquals(1, reads.get());
        assertEquals(2, tokensHandedOut.get(), "a token without an expiry is fetched again for each call");
    }
}
