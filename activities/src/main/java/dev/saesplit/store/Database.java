package dev.saesplit.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.saesplit.stack.LocalPostgres;
import dev.saesplit.stack.LocalStackLease;
import dev.saesplit.text.Redaction;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An open connection pool on saesplit's PostgreSQL with the schema migrated to the latest version. Opening
 * one starts the local server when no external one is configured (or attaches to it); the local server stops
 * when the last process using it closes (see {@link LocalStackLease}), not when the one that started it does.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource pool;
    private final LocalStackLease lease;
    private final String description;

    private Database(HikariDataSource pool, LocalStackLease lease, String description) {
        this.pool = pool;
        this.lease = lease;
        this.description = description;
    }

    /** Connects (starting the local server if needed) and applies pending migrations. */
    public static Database open(DatabaseConfig config) {
        LocalPostgres local = null;
        LocalStackLease lease = null;
        String url;
        String description;
        String password = config.password();
        if (config.externalUrl().isPresent()) {
            // A password in the URL moves to the pool's password, so no library logs or echoes it with the URL.
            url = withoutPassword(config.externalUrl().get());
            password = passwordIn(config.externalUrl().get()).orElse(password);
            description = "PostgreSQL at " + Redaction.redact(url);
        } else {
            lease = LocalStackLease.acquire(config.stateDir());
            try {
                local = lease.exclusively(() -> LocalPostgres.startOrAttach(config.localDataDir(),
                        DatabaseConfig.binaryCache()));
            } catch (RuntimeException e) {
                lease.close();
                throw e;
            }
            lease.onLastRelease("postgres", local::stopIfRunning);
            url = local.jdbcUrl();
            description = "local PostgreSQL on 127.0.0.1:" + local.port() + " (data in " + local.dataDir() + ")";
        }
        try {
            if (local != null) {
                password = local.password();
            }
            Redaction.registerSecret(password);
            HikariDataSource pool = pool(url, config.externalUrl().isPresent() ? config.user() : LocalPostgres.USER,
                    password);
            Database database = new Database(pool, lease, description);
            database.migrate();
            return database;
        } catch (RuntimeException e) {
            if (lease != null) {
                lease.close();
            }
            throw e;
        }
    }

    public DataSource dataSource() {
        return pool;
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Which server this is, for messages. */
    public String description() {
        return description;
    }

    /** Applies the migrations in {@code db/migration}; a no-op when the schema is current. */
    public MigrateResult migrate() {
        try {
            return Flyway.configure().dataSource(pool).locations("classpath:db/migration")
                    .failOnMissingLocations(true).load().migrate();
        } catch (FlywayException e) {
            throw new DatabaseUnavailableException("cannot migrate the schema of " + description + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        pool.close();
        if (lease != null) {
            lease.close();
        }
    }

    private static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(8);
        config.setPoolName("saesplit");
        config.setConnectionTimeout(15_000);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new DatabaseUnavailableException("cannot connect to " + url + ": " + rootMessage(e), e);
        }
    }

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)([?&])password=([^&]*)&?");

    static String withoutPassword(String jdbcUrl) {
        return PASSWORD_PARAMETER.matcher(jdbcUrl).replaceAll("$1").replaceAll("[?&]$", "");
    }

    static Optional<String> passwordIn(String jdbcUrl) {
        Matcher m = PASSWORD_PARAMETER.matcher(jdbcUrl);
        return m.find() ? Optional.of(URLDecoder.decode(m.group(2), StandardCharsets.UTF_8)) : Optional.empty();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
