package dev.saesplit.track;

import dev.saesplit.artifact.ArtifactOutsideRootException;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.store.Database;
import dev.saesplit.store.RunStateRecorder;
import dev.saesplit.store.SubmittedExperiments;
import dev.saesplit.store.TestPostgres;
import dev.saesplit.store.TrackingOutbox;
import dev.saesplit.table.RunStatus;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Only files inside the artifact store, after symlinks are resolved, are uploaded or reused. */
class ArtifactConfinementTest {

    private Database database;
    private Path state;
    private Path outside;
    private ArtifactStore store;

    @BeforeEach
    void setUp() throws Exception {
        database = SubmittedExperiments.freshWith("confined");
        state = TestPostgres.stateDir();
        outside = TestPostgres.stateDir();
        store = ArtifactStore.inStateDirectory(state, database.dataSource());
    }

    @AfterEach
    void tearDown() {
        database.close();
        TestPostgres.deleteQuietly(state);
        TestPostgres.deleteQuietly(outside);
    }

    @Test
    void anOutboxEntryNamingAFileOutsideTheStoreOrASymlinkOutOfItIsSetAsideNotUploaded() throws Exception {
        Path secret = Files.writeString(outside.resolve("id_rsa"), "PRIVATE KEY");
        Path report = Files.createDirectories(state.resolve("artifacts/report/k1"));
        Files.writeString(report.resolve("report.html"), "<html>");
        Files.createSymbolicLink(report.resolve("table.csv"), secret);
        new RunStateRecorder(database.dataSource()).experimentStatus("confined", RunStatus.RUNNING, "saesplit/confined");
        queue(report.resolve("report.html"), "report.html");
        queue(report.resolve("table.csv"), "table.csv");
        queue(secret, "stolen");
        queue(report.resolve("../../../../" + outside.getFileName() + "/id_rsa"), "dotted");
        RecordingBackend backend = new RecordingBackend();

        new TrackingSync(database.dataSource(), backend, new TrackingContext("1", "c"), store.root()).syncOnce();

        String parent = backend.runNamed("confined");
        assertEquals(List.of(parent + ":report.html"), backend.uploads);
        List<String> errors = outboxErrors();
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("table.csv resolves to " + secret.toRealPath()
                + ", outside the artifact root"), errors.get(0));
        assertTrue(errors.stream().allMatch(e -> e.contains("outside the artifact root")), errors.toString());
    }

    @Test
    void aRecordedArtifactWhoseDirectoryLiesOutsideTheStoreIsNotReused() throws Exception {
        ArtifactStore elsewhere = new ArtifactStore(outside.resolve("artifacts"), database.dataSource());
        elsewhere.getOrProduce("sae", "k", new Provenance("train", "confined", "a"),
                dir -> Files.writeString(dir.resolve("cfg.json"), "{}"));

        ArtifactOutsideRootException e = assertThrows(ArtifactOutsideRootException.class, () -> store.find("sae", "k"));

        assertTrue(e.getMessage().contains("outside the artifact root " + store.root()), e.getMessage());
    }

    @Test
    void anArtifactDirectoryReplacedByALinkToElsewhereIsNotRead() throws Exception {
        var ref = store.getOrProduce("sae", "k2", new Provenance("train", "confined", "a"),
                dir -> Files.writeString(dir.resolve("cfg.json"), "{}"));
        Path dir = ArtifactStore.directory(ref);
        Path elsewhere = Files.createDirectories(outside.resolve("home-of-someone"));
        PathUtils.deleteDirectory(dir);
        Files.createSymbolicLink(dir, elsewhere);

        ArtifactOutsideRootException e = assertThrows(ArtifactOutsideRootException.class,
                () -> ArtifactStore.directory(ref));

        assertTrue(e.getMessage().contains("resolves to " + elsewhere.toRealPath()), e.getMessage());
    }

    private void queue(Path file, String path) throws Exception {
        try (var c = database.connection()) {
            TrackingOutbox.enqueue(c, "confined", "", TrackingOutbox.Kind.ARTIFACT,
                    Map.of("file", file.toString(), "path", path));
        }
    }

    private List<String> outboxErrors() throws Exception {
        try (var c = database.connection(); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT error FROM tracking_outbox WHERE error IS NOT NULL ORDER BY id")) {
            List<String> errors = new ArrayList<>();
            while (rs.next()) {
                errors.add(rs.getString(1));
            }
            return errors;
        }
    }
}
