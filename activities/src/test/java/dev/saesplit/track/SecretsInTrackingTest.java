package dev.saesplit.track;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.store.Database;
import dev.saesplit.store.RunStateRecorder;
import dev.saesplit.store.SubmittedExperiments;
import dev.saesplit.store.TrackingOutbox;
import dev.saesplit.table.RunStatus;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What reaches the tracking server, which everyone in a lab can read, carries no secret from a spec or note. */
class SecretsInTrackingTest {

    @Test
    void specParametersWithCredentialsAreMasked() throws Exception {
        var spec = new ObjectMapper().readTree("""
                {"name": "e", "activations": {"source": "model", "dataset": "https://me:hunter22@data.lab/set?token=abc"}}""");

        Map<String, String> params = RunParams.parent(spec);

        assertEquals("https://me:***@data.lab/set?token=***", params.get("activations.dataset"));
        assertEquals("e", params.get("name"));
    }

    @Test
    void runAndExperimentTagsAreMaskedOnDelivery() throws Exception {
        try (Database database = SubmittedExperiments.freshWith("tagged")) {
            new RunStateRecorder(database.dataSource()).experimentStatus("tagged", RunStatus.RUNNING, "saesplit/tagged");
            try (var c = database.connection()) {
                TrackingOutbox.enqueue(c, "tagged", "", TrackingOutbox.Kind.TAGS,
                        Map.of("mlflow.note.content", "data from postgresql://me:pw-secret@db/x"));
                TrackingOutbox.enqueue(c, "tagged", "", TrackingOutbox.Kind.EXPERIMENT_TAGS,
                        Map.of("mlflow.note.content", "PGPASSWORD=pw-secret psql"));
            }
            RecordingBackend backend = new RecordingBackend();

            new TrackingSync(database.dataSource(), backend, new TrackingContext("1", "c"), Path.of(".")).syncOnce();

            assertEquals("data from postgresql://me:***@db/x",
                    backend.runTags.get(backend.runNamed("tagged")).get("mlflow.note.content"));
            assertEquals("PGPASSWORD=*** psql",
                    backend.experimentTags.get(backend.experiments.get("tagged")).get("mlflow.note.content"));
        }
    }
}
