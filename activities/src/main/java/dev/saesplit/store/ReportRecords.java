package dev.saesplit.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What an experiment's report stage leaves in PostgreSQL: the outputs it was given (as JSON), so the report can be
 * written again without the workflow, and where the page it wrote is.
 */
public final class ReportRecords {

    private final javax.sql.DataSource dataSource;

    public ReportRecords(javax.sql.DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Keeps the report stage's input; the experiment must be recorded. */
    public void saveRequest(String experiment, String requestJson) {
        update(experiment, "UPDATE experiments SET report_request = ?::jsonb WHERE name = ?", requestJson);
    }

    /** The report stage's input as it was saved, if the experiment got that far. */
    public Optional<String> request(String experiment) {
        return query(experiment, "report_request::text");
    }

    public void savePage(String experiment, Path page) {
        update(experiment, "UPDATE experiments SET report_uri = ? WHERE name = ?", page.toUri().toString());
    }

    /** The experiment's {@code report.html}, once written. */
    public Optional<Path> page(String experiment) {
        return query(experiment, "report_uri").map(uri -> Path.of(URI.create(uri)));
    }

    /** The spec's description. */
    public String description(String experiment) {
        return query(experiment, "description").orElse("");
    }

    private void update(String experiment, String sql, String value) {
        Jdbc.inTransaction(dataSource, "record the report of " + experiment, c -> {
            try (var update = c.prepareStatement(sql)) {
                update.setString(1, value);
                update.setString(2, experiment);
                if (update.executeUpdate() == 0) {
                    throw UnknownExperimentException.experiment(experiment);
                }
                return null;
            }
        });
    }

    /** A column of the experiment's row; the experiment must be recorded. */
    private Optional<String> query(String experiment, String column) {
        return Jdbc.inTransaction(dataSource, "read the report of " + experiment, c -> {
            try (var select = c.prepareStatement("SELECT " + column + " FROM experiments WHERE name = ?")) {
                select.setString(1, experiment);
                try (var rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw UnknownExperimentException.experiment(experiment);
                    }
                    return Optional.ofNullable(rs.getString(1));
                }
            }
        });
    }
}
