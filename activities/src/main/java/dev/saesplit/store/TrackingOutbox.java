package dev.saesplit.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;

/**
 * Queues what the tracking server must learn about a run — that it started, tags, artifacts, how it ended —
 * in PostgreSQL, in the same transaction as the state change it reports. A sync step delivers it.
 */
public final class TrackingOutbox {

    /** What an outbox entry asks for. */
    public enum Kind {
        /** The run exists (created with its params and tags when delivered). */
        START,
        /** Tags to set ({@code payload}: name → value). */
        TAGS,
        /** A file to upload ({@code payload}: {@code file}, {@code path}). */
        ARTIFACT,
        /** The run ended ({@code payload}: {@code status} RUNNING / FINISHED / FAILED / KILLED). */
        END,
        /** Tags of the tracking experiment itself ({@code payload}: name → value; queued for the parent run). */
        EXPERIMENT_TAGS;

        public String column() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrackingOutbox() {
    }

    /** Queues an entry for {@code runId} of {@code experiment} ({@code ""}: the experiment's parent run). */
    public static void enqueue(Connection connection, String experiment, String runId, Kind kind,
                               Map<String, String> payload) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO tracking_outbox (experiment_id, run_id, kind, payload)
                SELECT id, ?, ?, ?::jsonb FROM experiments WHERE name = ?""")) {
            insert.setString(1, runId);
            insert.setString(2, kind.column());
            insert.setString(3, JSON.writeValueAsString(payload));
            insert.setString(4, experiment);
            insert.executeUpdate();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode tracking payload " + payload, e);
        }
    }
}
