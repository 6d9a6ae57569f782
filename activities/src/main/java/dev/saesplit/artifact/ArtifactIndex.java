package dev.saesplit.artifact;

import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.store.DatabaseUnavailableException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL's {@code artifacts} table: which location holds the output of each {@code (kind, key)}, with its
 * content hash and fingerprint. The system of record for artifacts, whichever store holds their bytes.
 */
final class ArtifactIndex {

    /** A recorded artifact and its fingerprint ({@link DirectoryDigest#quick}; null if recorded without one). */
    record Recorded(ArtifactRef ref, String quickDigest) {
    }

    private final DataSource database;

    ArtifactIndex(DataSource database) {
        this.database = database;
    }

    Optional<Recorded> lookUp(String kind, String key) {
        return query("look up artifact " + kind + "/" + key, """
                SELECT kind, output_key, uri, content_hash, quick_digest FROM artifacts
                WHERE kind = ? AND output_key = ?""", kind, key).stream().findFirst();
    }

    List<Recorded> recorded(Optional<String> experiment) {
        return experiment.isPresent()
                ? query("list the artifacts of " + experiment.get(), """
                        SELECT kind, output_key, uri, content_hash, quick_digest FROM artifacts
                        WHERE experiment_id = (SELECT id FROM experiments WHERE name = ?)
                        ORDER BY kind, output_key""", experiment.get())
                : query("list the artifacts", """
                        SELECT kind, output_key, uri, content_hash, quick_digest FROM artifacts
                        ORDER BY kind, output_key""");
    }

    /** Records {@code ref}, replacing an earlier record of its kind and key. */
    void record(ArtifactRef ref, String quickDigest, long size, Provenance provenance) {
        insert(ref, quickDigest, size, provenance, """
                ON CONFLICT (kind, output_key) DO UPDATE SET uri = EXCLUDED.uri,
                    content_hash = EXCLUDED.content_hash, quick_digest = EXCLUDED.quick_digest,
                    size_bytes = EXCLUDED.size_bytes""");
    }

    /**
     * Records {@code ref} unless its kind and key are recorded already, and returns the record that stands: the
     * first producer to get here wins, and everyone else, including a producer racing this one on another
     * machine, gets the winner's artifact.
     */
    ArtifactRef recordFirst(ArtifactRef ref, String quickDigest, long size, Provenance provenance) {
        insert(ref, quickDigest, size, provenance, "ON CONFLICT (kind, output_key) DO NOTHING");
        return lookUp(ref.kind(), ref.key()).map(Recorded::ref).orElseThrow(() -> new DatabaseUnavailableException(
                "artifact " + ref.kind() + "/" + ref.key() + " vanished right after it was recorded", null));
    }

    void updateQuickDigest(ArtifactRef ref, String quickDigest) {
        update("record the fingerprint of " + ref.kind() + "/" + ref.key(),
                "UPDATE artifacts SET quick_digest = ? WHERE kind = ? AND output_key = ?",
                quickDigest, ref.kind(), ref.key());
    }

    /** Forgets the record of {@code ref}, if it still names the same location. */
    void forget(ArtifactRef ref) {
        update("forget artifact " + ref.kind() + "/" + ref.key(),
                "DELETE FROM artifacts WHERE kind = ? AND output_key = ? AND uri = ?", ref.kind(), ref.key(),
                ref.uri());
    }

    private void insert(ArtifactRef ref, String quickDigest, long size, Provenance provenance, String onConflict) {
        update("record artifact " + ref.kind() + "/" + ref.key(), """
                INSERT INTO artifacts (kind, output_key, uri, content_hash, quick_digest, size_bytes, producer,
                                       experiment_id, run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT id FROM experiments WHERE name = ?), ?)
                """ + onConflict,
                ref.kind(), ref.key(), ref.uri(), ref.contentHash(), quickDigest, size, provenance.producer(),
                provenance.experiment(), provenance.runId());
    }

    private List<Recorded> query(String what, String sql, Object... values) {
        try (Connection c = database.getConnection(); PreparedStatement select = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                select.setObject(i + 1, values[i]);
            }
            List<Recorded> rows = new ArrayList<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Recorded(new ArtifactRef(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4)), rs.getString(5)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private void update(String what, String sql, Object... values) {
        try (Connection c = database.getConnection(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("cannot " + what + ": " + e.getMessage(), e);
        }
    }
}
