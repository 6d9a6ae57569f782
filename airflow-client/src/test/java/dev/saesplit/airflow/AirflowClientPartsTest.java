package dev.saesplit.airflow;

import dev.saesplit.airflow.invoker.ApiException;
import org.junit.jupiter.api.Test;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The client's own logic, without a server (the real server is driven in the launcher's AirflowTest). */
class AirflowClientPartsTest {

    @Test
    void aTokensExpiryIsItsExpClaimAndAnUnreadableTokenCountsAsExpired() {
        String payload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"sub\":\"admin\",\"exp\":1900000000}".getBytes(StandardCharsets.UTF_8));

        assertEquals(Instant.ofEpochSecond(1_900_000_000L), AirflowClient.expiryOf("e30." + payload + ".sig"));
        assertEquals(Instant.MIN, AirflowClient.expiryOf("not-a-jwt"));
    }

    @Test
    void anErrorIsDescribedByItsStatusAndAirflowsDetail() {
        ApiException e = new ApiException(409, "conflict", HttpHeaders.of(Map.of(), (a, b) -> true),
                "{\"detail\":\"DAG run already exists\"}");

        assertEquals("HTTP 409: DAG run already exists", AirflowClient.describe(e));
    }

    @Test
    void aStructuredTaskLogEndsWithItsLastLinesAndErrorsTheLevelMarkingEachMessagesFirstLine() {
        List<Object> content = List.of(
                Map.of("event", "starting", "level", "info"),
                Map.of("event", "line one\nline two", "level", "info"),
                Map.of("event", "Task failed", "level", "error", "error_detail", "[{exc_value=bad spec}]"),
                "a plain line");

        assertEquals("line two\nERROR Task failed\n[{exc_value=bad spec}]\na plain line",
                TaskLogText.tail(content, 4));
    }

    @Test
    void credentialsNeverShowTheirPassword() {
        assertFalse(new AirflowCredentials("admin", "s3cret").toString().contains("s3cret"));
    }
}
