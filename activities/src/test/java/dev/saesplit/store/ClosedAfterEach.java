package dev.saesplit.store;

import dev.saesplit.artifact.ArtifactStore;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an activity test opens (databases, state directories, Temporal test environments), closed in the order it was
 * opened once the test is over, so a test asks for what it needs without bookkeeping of its own.
 */
public final class ClosedAfterEach implements AfterEachCallback {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** Closes {@code resource} after the test; returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        opened.add(resource);
        return resource;
    }

    /** A fresh, empty database. */
    public Database freshDatabase() {
        return add(Database.open(TestPostgres.freshDatabase()));
    }

    /** A fresh state directory, deleted after the test. */
    public Path stateDir() {
        Path dir = TestPostgres.stateDir();
        add(() -> TestPostgres.deleteQuietly(dir));
        return dir;
    }

    /** An artifact store over {@code database} in a fresh state directory, deleted after the test. */
    public ArtifactStore freshStore(Database database) {
        return new ArtifactStore(stateDir(), database.dataSource());
    }

    /** A Temporal test environment running {@code activities}. */
    public TestActivityEnvironment environment(Object... activities) {
        TestActivityEnvironment env = TestActivityEnvironment.newInstance();
        add(env::close);
        env.registerActivitiesImplementations(activities);
        return env;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            for (AutoCloseable resource : opened) {
                resource.close();
            }
        } finally {
            opened.clear();
        }
    }
}
