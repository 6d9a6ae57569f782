package dev.saesplit.store;

import dev.saesplit.spec.Architecture;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SpecChoice;
import dev.saesplit.spec.SpecFingerprint;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.RunTableFormatter;
import dev.saesplit.table.RunTableRow;
import dev.saesplit.table.SplitOutcome;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Experiments and their run-configuration tables in PostgreSQL. Writes are idempotent upserts keyed by
 * experiment name and run id: submitting the same spec twice changes nothing.
 */
public final class ExperimentStore {

    /** What a submission did. */
    public enum SubmitOutcome { CREATED, UPDATED, UNCHANGED }

    private final DataSource dataSource;

    public ExperimentStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records {@code spec} and its run table as pending. Re-submitting an unchanged spec is a no-op; a changed
     * spec replaces the recorded one while no run has started, and is refused after.
     *
     * @param specYaml the spec's text, kept for reproducibility
     * @param source   where the spec came from (its file), for people reading the database
     */
    public SubmitOutcome submit(ExperimentSpec spec, String specYaml, String source) {
        String hash = SpecFingerprint.of(spec);
        return inTransaction(connection -> {
            Optional<String> recorded = recordedHash(connection, spec.name());
            if (recorded.isPresent() && recorded.get().equals(hash)) {
                return SubmitOutcome.UNCHANGED;
            }
            if (recorded.isPresent()) {
                refuseIfStarted(connection, spec.name());
            }
            long experimentId = upsertExperiment(connection, spec, specYaml, hash, source);
            for (int i = 0; i < spec.runs().size(); i++) {
                upsertRun(connection, experimentId, i, spec.runs().get(i));
            }
            deleteRunsNotIn(connection, experimentId, spec);
            return recorded.isPresent() ? SubmitOutcome.UPDATED : SubmitOutcome.CREATED;
        });
    }

    /** The run-configuration table of {@code experiment}, in spec order. */
    public List<RunTableRow> runTable(String experiment) {
        return inTransaction(connection -> {
            long id = experimentId(connection, experiment)
                    .orElseThrow(() -> UnknownExperimentException.experiment(experiment));
            Map<String, Map<String, Double>> results = finalResults(connection, id);
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT run_id, purpose, width, seed, init, normalised, data, loss, tokens, reported, status,
                           split_success, split_detail, ground_truth_success, ground_truth_detail, workflow_id,
                           mlflow_run_id, architecture, architecture_k, architecture_groups,
                           architecture_l0_coefficient
                    FROM runs WHERE experiment_id = ? ORDER BY position""")) {
                select.setLong(1, id);
                List<RunTableRow> rows = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        RunSpec config = new RunSpec(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4),
                                choice(Init.class, rs.getString(5)), rs.getBoolean(6),
                                choice(DataSelection.class, rs.getString(7)), choice(LossChange.class, rs.getString(8)),
                                rs.getLong(9), rs.getString(10), null, architecture(rs));
                        rows.add(new RunTableRow(config, choice(RunStatus.class, rs.getString(11)),
                                Optional.ofNullable(rs.getString(12)).map(s -> choice(SplitOutcome.class, s)),
                                Optional.ofNullable(rs.getString(13)),
                                Optional.ofNullable(rs.getString(14)).map(s -> choice(SplitOutcome.class, s)),
                                Optional.ofNullable(rs.getString(15)),
                                results.getOrDefault(config.id(), Map.of()),
                                Optional.ofNullable(rs.getString(16)), Optional.ofNullable(rs.getString(17))));
                    }
                }
                return rows;
            }
        });
    }

    /** The row's architecture from its columns 18–21, or null for ReLU (as the spec holds it). */
    private static ArchitectureSpec architecture(ResultSet rs) throws SQLException {
        Architecture name = choice(Architecture.class, rs.getString(18));
        if (name == Architecture.RELU) {
            return null;
        }
        Double k = rs.getObject(19) == null ? null : rs.getDouble(19);
        Array groups = rs.getArray(20);
        List<Integer> sizes = groups == null ? null : Arrays.asList((Integer[]) groups.getArray());
        Double l0 = rs.getObject(21) == null ? null : rs.getDouble(21);
        return new ArchitectureSpec(name, k, sizes, l0);
    }

    /** Per row, the last recorded value of each of the table's result metrics. */
    private static Map<String, Map<String, Double>> finalResults(Connection connection, long experimentId)
            throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT DISTINCT ON (run_id, key) run_id, key, value FROM metrics
                WHERE experiment_id = ? AND run_id <> '' AND key = ANY (?)
                ORDER BY run_id, key, step DESC""")) {
            select.setLong(1, experimentId);
            select.setArray(2, connection.createArrayOf("text", RunTableFormatter.RESULT_METRICS.toArray()));
            Map<String, Map<String, Double>> results = new HashMap<>();
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    results.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                            rs.getDouble(3));
                }
            }
            return results;
        }
    }

    /** Every experiment, oldest first. */
    public List<ExperimentSummary> experiments() {
        return inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT e.name, e.status, e.created_at, r.status, count(r.run_id)
                    FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id
                    GROUP BY e.id, e.name, e.status, e.created_at, r.status
                    ORDER BY e.created_at, e.name, r.status""");
                 ResultSet rs = select.executeQuery()) {
                List<ExperimentSummary> summaries = new ArrayList<>();
                while (rs.next()) {
                    String name = rs.getString(1);
                    if (summaries.isEmpty() || !summaries.get(summaries.size() - 1).name().equals(name)) {
                        summaries.add(new ExperimentSummary(name, choice(RunStatus.class, rs.getString(2)), 0,
                                new EnumMap<>(RunStatus.class), rs.getObject(3, OffsetDateTime.class)));
                    }
                    if (rs.getString(4) != null) {
                        ExperimentSummary last = summaries.remove(summaries.size() - 1);
                        Map<RunStatus, Integer> counts = new EnumMap<>(last.byStatus());
                        counts.put(choice(RunStatus.class, rs.getString(4)), rs.getInt(5));
                        summaries.add(new ExperimentSummary(last.name(), last.status(), last.runs() + rs.getInt(5),
                                counts, last.createdAt()));
                    }
                }
                return summaries;
            }
        });
    }

    private static Optional<String> recordedHash(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT spec_hash FROM experiments WHERE name = ? FOR UPDATE")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private static void refuseIfStarted(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("""
                SELECT string_agg(r.run_id, ', ' ORDER BY r.position) FROM runs r
                JOIN experiments e ON e.id = r.experiment_id
                WHERE e.name = ? AND r.status <> 'pending'""")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                String started = rs.next() ? rs.getString(1) : null;
                if (started != null) {
                    throw new SpecConflictException("experiment '" + name + "' was submitted with a different spec "
                            + "and runs " + started + " have already started; submit the changed spec under a new "
                            + "name so both results stay readable");
                }
            }
        }
    }

    private static long upsertExperiment(Connection connection, ExperimentSpec spec, String yaml, String hash,
                                         String source) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO experiments (name, description, spec_yaml, spec_hash, spec_source, spec_json)
                VALUES (?, ?, ?, ?, ?, ?::jsonb)
                ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description,
                    spec_yaml = EXCLUDED.spec_yaml, spec_hash = EXCLUDED.spec_hash,
                    spec_source = EXCLUDED.spec_source, spec_json = EXCLUDED.spec_json, updated_at = now()
                RETURNING id""")) {
            upsert.setString(1, spec.name());
            upsert.setString(2, spec.description());
            upsert.setString(3, yaml);
            upsert.setString(4, hash);
            upsert.setString(5, source);
            upsert.setString(6, SpecFingerprint.canonicalJson(spec));
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void upsertRun(Connection connection, long experimentId, int position, RunSpec run)
            throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                INSERT INTO runs (experiment_id, run_id, position, purpose, width, seed, init, normalised, data,
                                  loss, tokens, reported, architecture, architecture_k, architecture_groups,
                                  architecture_l0_coefficient)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (experiment_id, run_id) DO UPDATE SET position = EXCLUDED.position,
                    purpose = EXCLUDED.purpose, width = EXCLUDED.width, seed = EXCLUDED.seed,
                    init = EXCLUDED.init, normalised = EXCLUDED.normalised, data = EXCLUDED.data,
                    loss = EXCLUDED.loss, tokens = EXCLUDED.tokens, reported = EXCLUDED.reported,
                    architecture = EXCLUDED.architecture, architecture_k = EXCLUDED.architecture_k,
                    architecture_groups = EXCLUDED.architecture_groups,
                    architecture_l0_coefficient = EXCLUDED.architecture_l0_coefficient,
                    updated_at = now()""")) {
            upsert.setLong(1, experimentId);
            upsert.setString(2, run.id());
            upsert.setInt(3, position);
            upsert.setString(4, run.purpose());
            upsert.setInt(5, run.width());
            upsert.setLong(6, run.seed());
            upsert.setString(7, run.init().specName());
            upsert.setBoolean(8, run.normalised());
            upsert.setString(9, run.data().specName());
            upsert.setString(10, run.loss().specName());
            upsert.setLong(11, run.tokens());
            upsert.setString(12, run.reported());
            ArchitectureSpec architecture = run.architecture();
            upsert.setString(13, run.architectureName().specName());
            upsert.setObject(14, architecture == null ? null : architecture.k(), Types.DOUBLE);
            upsert.setArray(15, architecture == null || architecture.groups() == null ? null
                    : connection.createArrayOf("integer", architecture.groups().toArray()));
            upsert.setObject(16, architecture == null ? null : architecture.l0Coefficient(), Types.DOUBLE);
            upsert.executeUpdate();
        }
    }

    private static void deleteRunsNotIn(Connection connection, long experimentId, ExperimentSpec spec)
            throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM runs WHERE experiment_id = ? AND NOT (run_id = ANY (?))")) {
            delete.setLong(1, experimentId);
            delete.setArray(2, connection.createArrayOf("text", spec.runs().stream().map(RunSpec::id).toArray()));
            delete.executeUpdate();
        }
    }

    private static Optional<Long> experimentId(Connection connection, String name) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM experiments WHERE name = ?")) {
            select.setString(1, name);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static <E extends Enum<E> & SpecChoice> E choice(Class<E> type, String text) {
        return SpecChoice.parse(type, text).orElseThrow(() -> new IllegalStateException(
                "the database holds '" + text + "', which is not a " + type.getSimpleName()));
    }

    private <T> T inTransaction(Jdbc.Work<T> work) {
        return Jdbc.inTransaction(dataSource, "read or write experiments", work);
    }
}
