package dev.saesplit.store;

import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationsTest {

    @Test
    void migrationsCreateTheSchemaOnAnEmptyDatabaseAndReapplyAsANoOp() throws SQLException {
        try (Database database = Database.open(TestPostgres.freshDatabase())) {
            assertEquals(List.of("artifacts", "experiments", "flyway_schema_history", "metrics", "runs",
                    "tracking_outbox"),
                    tables(database));

            MigrateResult again = database.migrate();

            assertEquals(0, again.migrationsExecuted);
            assertTrue(again.success);
        }
    }

    @Test
    void theRunTableRejectsConfigurationsOutsideTheSpecsVocabulary() throws SQLException {
        try (Database database = Database.open(TestPostgres.freshDatabase());
             Connection c = database.connection()) {
            c.createStatement().execute("INSERT INTO experiments (name, spec_yaml, spec_hash) VALUES ('e', '', '')");

            SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> c.createStatement()
                    .execute("INSERT INTO runs (experiment_id, run_id, position, width, seed, init, normalised, data,"
                            + " loss, tokens) SELECT id, '1', 0, 16, 1, 'copied', true, 'all', 'standard', 10"
                            + " FROM experiments"));

            assertTrue(e.getMessage().contains("runs_init_check"), e.getMessage());
        }
    }

    private static List<String> tables(Database database) throws SQLException {
        try (Connection c = database.connection();
             ResultSet rs = c.createStatement().executeQuery(
                     "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")) {
            List<String> names = new ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            return names;
        }
    }
}
