package dev.saesplit.store;

import dev.saesplit.track.TrackingUnavailableException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Passwords in database and tracking URLs never reach a message, a status line or a library's log. */
class SecretsInMessagesTest {

    @Test
    void aPasswordInTheJdbcUrlIsHandedToThePoolAndLeftOutOfTheUrl() {
        String url = "jdbc:postgresql://db.lab:5432/sae?user=me&password=p%40ss&sslmode=require";

        assertEquals("jdbc:postgresql://db.lab:5432/sae?user=me&sslmode=require", Database.withoutPassword(url));
        assertEquals(Optional.of("p@ss"), Database.passwordIn(url));
        assertEquals("jdbc:postgresql://h/db", Database.withoutPassword("jdbc:postgresql://h/db?password=x"));
        assertEquals(Optional.empty(), Database.passwordIn("jdbc:postgresql://h/db"));
    }

    @Test
    void anUnreachableDatabaseIsReportedWithoutItsPassword() {
        DatabaseConfig config = new DatabaseConfig(
                Optional.of("jdbc:postgresql://127.0.0.1:1/sae?password=Hunter2-in-url&connectTimeout=1"),
                "me", "Hunter2-from-env", Path.of("unused"));

        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, () -> Database.open(config));

        assertTrue(e.getMessage().contains("127.0.0.1:1/sae"), e.getMessage());
        assertFalse(e.getMessage().contains("Hunter2"), e.getMessage());
    }

    @Test
    void trackingFailuresNameTheServerWithoutItsCredentials() {
        TrackingUnavailableException e = new TrackingUnavailableException(
                "cannot reach MLflow at https://alice:pa55word@mlflow.lab?token=t0k3n to log metrics", null);

        assertEquals("cannot reach MLflow at https://alice:***@mlflow.lab?token=*** to log metrics", e.getMessage());
    }
}
