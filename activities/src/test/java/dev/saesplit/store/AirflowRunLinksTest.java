package dev.saesplit.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The DAG run that launched an experiment: its columns, and the tags queued for the MLflow parent run. */
class AirflowRunLinksTest {

    private Database database;
    private AirflowRunLinks links;

    @BeforeEach
    void openDatabase() throws Exception {
        database = SubmittedExperiments.freshWith("linked");
        links = new AirflowRunLinks(database.dataSource());
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void theLatestDagRunIsRecordedAndQueuedAsParentRunTags() throws Exception {
        assertEquals(Optional.empty(), links.of("linked"));

        links.link("linked", new AirflowRunLinks.Link("saesplit_experiment", "first", "http://airflow/runs/first"));
        AirflowRunLinks.Link second = new AirflowRunLinks.Link("saesplit_experiment", "second", "http://airflow/runs/second");
        links.link("linked", second);

        assertEquals(Optional.of(second), links.of("linked"));
        try (Connection c = database.connection(); ResultSet rs = c.createStatement().executeQuery("""
                SELECT payload->>'airflow.dag_run_id', payload->>'airflow.url' FROM tracking_outbox
                WHERE run_id = '' AND kind = 'tags' ORDER BY id DESC LIMIT 1""")) {
            rs.next();
            assertEquals("second", rs.getString(1));
            assertEquals("http://airflow/runs/second", rs.getString(2));
        }
    }

    @Test
    void linkingAnUnknownExperimentSaysSo() {
        assertThrows(UnknownExperimentException.class, () -> links.link("nope",
                new AirflowRunLinks.Link("saesplit_experiment", "r", "u")));
    }
}
