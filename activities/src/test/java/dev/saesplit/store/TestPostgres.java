package dev.saesplit.store;

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
final class TestPostgres {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static LocalPostgres server;

    private TestPostgres() {
    }

    /** Configuration pointing at a new, empty database. */
    static synchronized DatabaseConfig freshDatabase() {
        if (server == null) {
            server = LocalPostgres.startOrAttach(stateDir().resolve("postgres"), DatabaseConfig.binaryCache());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        }
        String name = "test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", LocalPostgres.USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new DatabaseConfig(Optional.of("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + name),
                LocalPostgres.USER, "", stateDir());
    }

    /** A state directory under target/ that the unprivileged server user can reach when tests run as root. */
    private static Path stateDir() {
        try {
            Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
