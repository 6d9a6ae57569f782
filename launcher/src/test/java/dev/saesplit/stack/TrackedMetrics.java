package dev.saesplit.stack;

import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The metric points saesplit recorded in PostgreSQL, per run and key: what MLflow must hold exactly once. */
public final class TrackedMetrics {

    private TrackedMetrics() {
    }

    /** run id ("" for the parent run) → metric key → steps, ascending. */
    public static Map<String, Map<String, List<Long>>> recorded(Path home, String experiment) throws SQLException {
        Map<String, Map<String, List<Long>>> points = new TreeMap<>();
        try (Database database = Database.open(DatabaseConfig.local(home));
             Connection c = database.connection();
             PreparedStatement select = c.prepareStatement("""
                     SELECT m.run_id, m.key, m.step FROM metrics m JOIN experiments e ON e.id = m.experiment_id
                     WHERE e.name = ? ORDER BY m.run_id, m.key, m.step""")) {
            select.setString(1, experiment);
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    points.computeIfAbsent(rs.getString(1), r -> new TreeMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getLong(3));
                }
            }
        }
        return points;
    }
}
