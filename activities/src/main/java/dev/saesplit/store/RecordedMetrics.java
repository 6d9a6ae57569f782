package dev.saesplit.store;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads back the metric points {@link MetricsRecorder} keeps: curves for charts, latest values for summaries. */
public final class RecordedMetrics {

    private final DataSource dataSource;

    public RecordedMetrics(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The points of {@code key} for a row ({@code runId} empty: the experiment), by step: each {@code {step, value,
     * companion}}, where {@code companion} is {@code companionKey}'s value at the same step, or NaN.
     */
    public List<double[]> curve(String experiment, String runId, String key, String companionKey) {
        return Jdbc.inTransaction(dataSource, "read the " + key + " curve of " + experiment + " run " + runId, c -> {
            try (var select = c.prepareStatement("""
                    SELECT m.step, m.value, t.value FROM metrics m JOIN experiments e ON e.id = m.experiment_id
                    LEFT JOIN metrics t ON t.experiment_id = m.experiment_id AND t.run_id = m.run_id
                        AND t.step = m.step AND t.key = ?
                    WHERE e.name = ? AND m.run_id = ? AND m.key = ? ORDER BY m.step""")) {
                select.setString(1, companionKey);
                select.setString(2, experiment);
                select.setString(3, runId);
                select.setString(4, key);
                List<double[]> points = new ArrayList<>();
                try (var rs = select.executeQuery()) {
                    while (rs.next()) {
                        double companion = rs.getDouble(3);
                        points.add(new double[] {rs.getLong(1), rs.getDouble(2), rs.wasNull() ? Double.NaN : companion});
                    }
                }
                return points;
            }
        });
    }

    /** The latest value of every metric of a row ({@code runId} empty: the experiment) whose key starts so. */
    public Map<String, Double> latest(String experiment, String runId, String keyPrefix) {
        return Jdbc.inTransaction(dataSource, "read the metrics of " + experiment + " run " + runId, c -> {
            try (var select = c.prepareStatement("""
                    SELECT DISTINCT ON (m.key) m.key, m.value FROM metrics m JOIN experiments e ON e.id = m.experiment_id
                    WHERE e.name = ? AND m.run_id = ? AND starts_with(m.key, ?) ORDER BY m.key, m.step DESC""")) {
                select.setString(1, experiment);
                select.setString(2, runId);
                select.setString(3, keyPrefix);
                Map<String, Double> latest = new LinkedHashMap<>();
                try (var rs = select.executeQuery()) {
                    while (rs.next()) {
                        latest.put(rs.getString(1), rs.getDouble(2));
                    }
                }
                return latest;
            }
        });
    }
}
