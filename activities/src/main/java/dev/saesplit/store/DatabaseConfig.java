package dev.saesplit.store;

import dev.saesplit.stack.LocalPostgres;
import dev.saesplit.stack.LocalSecrets;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which PostgreSQL saesplit uses: an external server named by {@code SAESPLIT_DB_URL} (with
 * {@code SAESPLIT_DB_USER} and {@code SAESPLIT_DB_PASSWORD}), or by default a local server whose data lives
 * under the state directory ({@code SAESPLIT_HOME}, default {@code .saesplit} in the working directory).
 *
 * @param externalUrl the external server's JDBC URL; empty for the local default
 * @param user        user for the external server
 * @param password    password for the external server
 * @param stateDir    saesplit's state directory
 */
public record DatabaseConfig(Optional<String> externalUrl, String user, String password, Path stateDir) {

    /** Reads the configuration from environment variables. */
    public static DatabaseConfig fromEnvironment(Map<String, String> env) {
        Path home = Path.of(env.getOrDefault("SAESPLIT_HOME", ".saesplit"));
        String url = env.getOrDefault("SAESPLIT_DB_URL", "").trim();
        return new DatabaseConfig(url.isEmpty() ? Optional.empty() : Optional.of(url),
                env.getOrDefault("SAESPLIT_DB_USER", "saesplit"), env.getOrDefault("SAESPLIT_DB_PASSWORD", ""),
                home);
    }

    /** A local server under {@code stateDir}. */
    public static DatabaseConfig local(Path stateDir) {
        return new DatabaseConfig(Optional.empty(), LocalPostgres.USER, "", stateDir);
    }

    public Path localDataDir() {
        return stateDir.resolve("postgres");
    }

    /**
     * Where the PostgreSQL binaries are unpacked: one directory per user (shared by that user's state
     * directories), readable by all so an unprivileged server user can run them, and checked to belong to the
     * user and be writable by no one else before anything in it runs (see {@code stack.PostgresBinaries}).
     */
    public static Path binaryCache() {
        return Path.of(System.getProperty("java.io.tmpdir"), "saesplit-postgres-" + LocalSecrets.currentUid());
    }
}
