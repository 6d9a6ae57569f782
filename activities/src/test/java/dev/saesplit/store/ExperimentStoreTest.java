package dev.saesplit.store;

import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.RunTableRow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentStoreTest {

    private static final String SPEC = """
            name: store-test
            activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 10k}
            narrow_sae: {width: 8, tokens: 10k}
            target_latent: 3
            runs:
              - {id: a, width: 32, seed: 1, init: narrow, normalised: true, data: filtered, loss: standard, tokens: 10k}
              - {id: b, width: 32, seed: 2, init: random, normalised: false, data: all, loss: standard, tokens: 10k}
            """;

    private Database database;
    private ExperimentStore store;

    @BeforeEach
    void openDatabase() {
        database = Database.open(TestPostgres.freshDatabase());
        store = new ExperimentStore(database.dataSource());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void submittingTheSameSpecTwiceRecordsItsRowsOnce() throws Exception {
        assertEquals(ExperimentStore.SubmitOutcome.CREATED, store.submit(parse(SPEC), SPEC, "a.yaml"));
        List<RunTableRow> first = store.runTable("store-test");

        assertEquals(ExperimentStore.SubmitOutcome.UNCHANGED, store.submit(parse(SPEC), SPEC, "a.yaml"));

        assertEquals(first, store.runTable("store-test"));
        assertEquals(1, count("SELECT count(*) FROM experiments"));
        assertEquals(2, count("SELECT count(*) FROM runs"));
    }

    @Test
    void theRunTableComesBackInSpecOrderWithItsConfigurationAndPendingStatus() throws Exception {
        store.submit(parse(SPEC), SPEC, "a.yaml");

        List<RunTableRow> rows = store.runTable("store-test");

        assertEquals(List.of("a", "b"), rows.stream().map(RunTableRow::runId).toList());
        RunTableRow a = rows.get(0);
        assertEquals(32, a.config().width());
        assertTrue(a.config().normalised());
        assertEquals(RunStatus.PENDING, a.status());
        assertTrue(a.splitSuccess().isEmpty());
    }

    @Test
    void eachRowsArchitectureAndItsSettingsComeBackAsTheSpecGaveThem() throws Exception {
        String yaml = SPEC.replace("loss: standard, tokens: 10k}\n  - {id: b", "loss: standard, tokens: 10k, "
                + "architecture: matryoshka, k: 2.5, groups: [8, 24]}\n  - {id: b")
                + "  - {id: c, width: 32, seed: 3, init: random, normalised: false, data: all, loss: standard, "
                + "tokens: 10k, architecture: jumprelu, l0_coefficient: 0.25}\n";
        ExperimentSpec spec = parse(yaml);
        store.submit(spec, yaml, "a.yaml");

        List<RunTableRow> rows = store.runTable("store-test");

        assertEquals(spec.runs(), rows.stream().map(RunTableRow::config).toList());
        assertEquals(List.of("matryoshka", "relu", "jumprelu"), strings("SELECT architecture FROM runs ORDER BY position"));
    }

    @Test
    void aChangedSpecReplacesRowsWhileNothingHasStarted() throws Exception {
        store.submit(parse(SPEC), SPEC, "a.yaml");
        String changed = SPEC.replace("seed: 2", "seed: 7").replace("  - {id: a", "  - {id: c");

        assertEquals(ExperimentStore.SubmitOutcome.UPDATED, store.submit(parse(changed), changed, "a.yaml"));

        List<RunTableRow> rows = store.runTable("store-test");
        assertEquals(List.of("c", "b"), rows.stream().map(RunTableRow::runId).toList());
        assertEquals(7, rows.get(1).config().seed());
    }

    @Test
    void aChangedSpecIsRefusedOnceARunHasStartedAndNothingIsWritten() throws Exception {
        store.submit(parse(SPEC), SPEC, "a.yaml");
        try (Connection c = database.connection()) {
            c.createStatement().execute("UPDATE runs SET status = 'running' WHERE run_id = 'b'");
        }
        String changed = SPEC.replace("seed: 2", "seed: 7");

        SpecConflictException e = assertThrows(SpecConflictException.class,
                () -> store.submit(parse(changed), changed, "a.yaml"));

        assertTrue(e.getMessage().contains("runs b have already started"), e.getMessage());
        assertEquals(2, store.runTable("store-test").get(1).config().seed());
    }

    @Test
    void anUnknownExperimentIsNamed() {
        UnknownExperimentException e = assertThrows(UnknownExperimentException.class, () -> store.runTable("nope"));

        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void experimentsAreListedWithRunCountsByStatus() throws Exception {
        store.submit(parse(SPEC), SPEC, "a.yaml");

        List<ExperimentSummary> experiments = store.experiments();

        assertEquals(1, experiments.size());
        assertEquals(2, experiments.get(0).runs());
        assertEquals(2, experiments.get(0).byStatus().get(RunStatus.PENDING));
    }

    private long count(String sql) throws SQLException {
        try (Connection c = database.connection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> values = new java.util.ArrayList<>();
        try (Connection c = database.connection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private static ExperimentSpec parse(String yaml) throws SpecValidationException {
        return SpecParser.parse(yaml, "a.yaml", Path.of("."));
    }
}
