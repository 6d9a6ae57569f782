package dev.saesplit.stack;

import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.store.DatabaseUnavailableException;
import dev.saesplit.store.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local PostgreSQL admits only clients that know its generated password, migrates clusters made with
 * {@code trust}, and refuses password files and binaries that other users could read or write.
 */
class LocalPostgresSecurityTest {

    private final List<Path> made = new ArrayList<>();
    private final List<LocalPostgres> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(LocalPostgres::close);
        made.forEach(TestPostgres::deleteQuietly);
    }

    @Test
    void aNewClusterAdmitsOnlyClientsWithItsGeneratedPassword() throws Exception {
        Path state = stateDir();
        LocalPostgres server = start(state);

        Path secret = state.resolve(LocalPostgres.PASSWORD_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        assertEquals(server.password(), Files.readString(secret).strip());
        assertTrue(server.password().length() >= 30, "a generated password of 24 random bytes");
        assertRefused(server, "");
        assertRefused(server, "wrong-password");
        assertConnects(server, server.password());
        assertEquals(List.of(), rulesUsing("trust", server.dataDir().resolve("pg_hba.conf")));
        assertFalse(rulesUsing("scram-sha-256", server.dataDir().resolve("pg_hba.conf")).isEmpty());
    }

    @Test
    void aClusterMadeWithTrustByEarlierVersionsIsSwitchedToItsPassword() throws Exception {
        Path state = stateDir();
        LocalPostgres first = start(state);
        first.close();
        started.remove(first);
        Path hba = first.dataDir().resolve("pg_hba.conf");
        Files.writeString(hba, Files.readString(hba).replace("scram-sha-256", "trust")); // as initdb --auth=trust
        Files.delete(state.resolve(LocalPostgres.PASSWORD_FILE)); // earlier versions kept none

        LocalPostgres migrated = start(state);

        assertNotEquals(first.password(), migrated.password());
        assertEquals(List.of(), rulesUsing("trust", hba));
        assertRefused(migrated, "");
        assertConnects(migrated, migrated.password());
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedBeforeAnythingStarts() throws Exception {
        Path state = stateDir();
        Path secret = state.resolve(LocalPostgres.PASSWORD_FILE);
        Files.writeString(secret, "readable-by-everyone\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));

        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, () -> start(state));

        assertTrue(e.getMessage().contains(secret + " holds a password but others may access it"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
        assertFalse(Files.exists(state.resolve("postgres")), "nothing was initialised");
    }

    @Test
    void binariesThatOtherUsersCouldHaveReplacedAreNotRun() throws Exception {
        Path cache = stateDir().resolve("binaries");
        Path installed = PostgresBinaries.installed(cache);
        Path pgCtl = installed.resolve("bin/pg_ctl");
        Files.setPosixFilePermissions(pgCtl, PosixFilePermissions.fromString("rwxrwxrwx"));

        DatabaseUnavailableException writable = assertThrows(DatabaseUnavailableException.class,
                () -> PostgresBinaries.installed(cache));
        assertTrue(writable.getMessage().contains(pgCtl + " may be written by other users"), writable.getMessage());

        Files.setPosixFilePermissions(pgCtl, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(installed, PostgresBinaries.installed(cache));
        if (LocalPostgres.isRoot()) {
            Files.setOwner(installed, installed.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("nobody"));
            DatabaseUnavailableException foreign = assertThrows(DatabaseUnavailableException.class,
                    () -> PostgresBinaries.installed(cache));
            assertTrue(foreign.getMessage().contains(installed + " belongs to uid 65534, not to you"),
                    foreign.getMessage());
        }
    }

    /** The lines of {@code pg_hba.conf} (not comments) whose method is {@code method}. */
    private static List<String> rulesUsing(String method, Path hba) throws java.io.IOException {
        return Files.readAllLines(hba).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#") && line.endsWith(method)).toList();
    }

    private Path stateDir() {
        Path dir = TestPostgres.stateDir();
        made.add(dir);
        return dir;
    }

    private LocalPostgres start(Path state) {
        LocalPostgres server = LocalPostgres.startOrAttach(state.resolve("postgres"), DatabaseConfig.binaryCache());
        started.add(server);
        return server;
    }

    private static void assertRefused(LocalPostgres server, String password) {
        SQLException e = assertThrows(SQLException.class,
                () -> DriverManager.getConnection(server.jdbcUrl(), LocalPostgres.USER, password).close());
        assertTrue(String.valueOf(e.getMessage()).contains("password"), e.getMessage());
    }

    private static void assertConnects(LocalPostgres server, String password) throws SQLException {
        DriverManager.getConnection(server.jdbcUrl(), LocalPostgres.USER, password).close();
    }
}
