package dev.saesplit.store;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which Airflow DAG run launched an experiment: columns of the experiment in PostgreSQL, and tags of its MLflow
 * parent run (queued in the tracking outbox, so they reach MLflow however late it comes up).
 */
public final class AirflowRunLinks {

    /** A DAG run and the page where Airflow's UI shows it. */
    public record Link(String dagId, String dagRunId, String url) {
    }

    private final DataSource dataSource;

    public AirflowRunLinks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records that {@code link}'s DAG run launched {@code experiment} (the latest launch wins). */
    public void link(String experiment, Link link) {
        Jdbc.inTransaction(dataSource, "link experiment '" + experiment + "' to its Airflow DAG run", connection -> {
            try (PreparedStatement update = connection.prepareStatement("""
                    UPDATE experiments SET airflow_dag_id = ?, airflow_dag_run_id = ?, airflow_url = ?, updated_at = now()
                    WHERE name = ?""")) {
                update.setString(1, link.dagId());
                update.setString(2, link.dagRunId());
                update.setString(3, link.url());
                update.setString(4, experiment);
                if (update.executeUpdate() == 0) {
                    throw UnknownExperimentException.experiment(experiment);
                }
            }
            Map<String, String> tags = new LinkedHashMap<>();
            tags.put("airflow.dag_id", link.dagId());
            tags.put("airflow.dag_run_id", link.dagRunId());
            tags.put("airflow.url", link.url());
            TrackingOutbox.enqueue(connection, experiment, "", TrackingOutbox.Kind.TAGS, tags);
            return null;
        });
    }

    /** The DAG run that last launched {@code experiment}, if one did. */
    public Optional<Link> of(String experiment) {
        return Jdbc.inTransaction(dataSource, "read the Airflow DAG run of '" + experiment + "'", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT airflow_dag_id, airflow_dag_run_id, airflow_url FROM experiments WHERE name = ?")) {
                select.setString(1, experiment);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() && rs.getString(2) != null
                            ? Optional.of(new Link(rs.getString(1), rs.getString(2), rs.getString(3))) : Optional.empty();
                }
            }
        });
    }
}
