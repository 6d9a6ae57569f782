package dev.saesplit.store;

import dev.saesplit.stack.LocalPostgres;
import org.apache.commons.io.file.PathUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server for a test JVM (started on first use, stopped at exit), handing each test an
 * empty database of its own.
 */
public final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalPostgres server;

    private TestPostgres() {
    }

    /** Configuration pointing at a new, empty database. */
    public static synchronized DatabaseConfig freshDatabase() {
        if (server == null) {
            Path stateDir = stateDir();
            server = LocalPostgres.startOrAttach(stateDir.resolve("postgres"), DatabaseConfig.binaryCache());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                deleteQuietly(stateDir);
            }));
        }
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", LocalPostgres.USER, server.password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new DatabaseConfig(Optional.of("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + name),
                LocalPostgres.USER, server.password(), Path.of("unused"));
    }

    /** A temporary state directory that the unprivileged server user can reach when tests run as root. */
    public static Path stateDir() {
        try {
            return Files.createTempDirectory("saesplit-test-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void deleteQuietly(Path dir) {
        try {
            PathUtils.deleteDirectory(dir);
        } catch (IOException e) {
            System.err.println("could not delete test state directory " + dir + ": " + e.getMessage());
        }
    }
}
