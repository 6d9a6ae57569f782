package dev.saesplit.stack;

import dev.saesplit.store.DatabaseUnavailableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server on 127.0.0.1 whose data directory lives in saesplit's state directory, so data
 * survives restarts. If a server is already running on that directory (another saesplit command, or
 * {@code stack up}) it is reused; otherwise one is started, and {@link #close()} stops only a server this
 * instance started.
 *
 * <p>Written by hand rather than with zonky's {@code EmbeddedPostgres} (whose binaries it uses) because
 * PostgreSQL refuses to run as root and zonky has no way around that: here, when saesplit runs as root, the
 * server runs as the unprivileged {@code nobody} user through {@code setpriv}.
 *
 * <p>Clients authenticate with a password (scram-sha-256), generated on first use and kept in
 * {@code postgres-password} (mode 0600) in the state directory beside the data directory; every saesplit process
 * of the same state directory reads it there. A cluster made by earlier versions with {@code trust}
 * authentication is migrated when it is next started or attached to: the password is set and
 * {@code pg_hba.conf} switched to scram-sha-256.
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "saesplit";
    public static final String DATABASE = "saesplit";
    static final String PASSWORD_FILE = "postgres-password";
    private static final Pattern TRUST = Pattern.compile("(?m)^(\\s*[^#\\s][^#\\n]*?)\\btrust\\b");
    private static final int UNPRIVILEGED_UID = 65534;

    private final Path dataDir;
    private final Path binDir;
    private final int port;
    private final boolean startedHere;
    private final String password;

    private LocalPostgres(Path dataDir, Path binDir, int port, boolean startedHere, String password) {
        this.dataDir = dataDir;
        this.binDir = binDir;
        this.port = port;
        this.startedHere = startedHere;
        this.password = password;
    }

    /**
     * Attaches to the server running on {@code dataDir}, or initialises (first time) and starts one.
     *
     * @param dataDir   the cluster's data directory
     * @param cacheRoot where the PostgreSQL binaries are unpacked, shared by every state directory
     */
    public static LocalPostgres startOrAttach(Path dataDir, Path cacheRoot) {
        Path configured = dataDir.toAbsolutePath().normalize();
        String password = LocalSecrets.passwordIn(configured.resolveSibling(PASSWORD_FILE));
        Path absolute = reachableDataDir(configured);
        Optional<Integer> running = livePort(absolute);
        Path binDir = PostgresBinaries.installed(cacheRoot).resolve("bin");
        if (running.isPresent()) {
            LocalPostgres attached = new LocalPostgres(absolute, binDir, running.get(), false, password);
            attached.migrateFromTrust();
            return attached;
        }
        LocalPostgres server = new LocalPostgres(absolute, binDir, freePort(), true, password);
        server.initialiseIfNeeded();
        server.start();
        return server;
    }

    /**
     * {@code dataDir}, or, when saesplit runs as root and the unprivileged server user cannot reach it (a
     * checkout under a private home directory), a directory of its own under {@code /var/tmp} that lasts
     * across reboots, with a notice saying where.
     */
    static Path reachableDataDir(Path dataDir) {
        if (!isRoot() || blockingAncestor(dataDir).isEmpty()) {
            return dataDir;
        }
        String key = Integer.toHexString(dataDir.toString().hashCode());
        Path moved = Path.of("/var/tmp", "saesplit-postgres-" + key);
        System.err.println("saesplit: PostgreSQL cannot run as root and the user it runs as ('nobody') cannot enter "
                + blockingAncestor(dataDir).get() + "; its data for " + dataDir + " lives in " + moved + " instead");
        return moved;
    }

    /** The first directory above {@code dir} that others cannot enter. */
    private static Optional<Path> blockingAncestor(Path dir) {
        try {
            for (Path p = dir.getParent(); p != null; p = p.getParent()) {
                if (Files.exists(p) && !Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The password of {@link #USER}, for every client of this server. */
    public String password() {
        return password;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Whether this instance started the server (and so stops it on close). */
    public boolean startedHere() {
        return startedHere;
    }

    /** Stops the server, if this instance started it. */
    @Override
    public void close() {
        if (startedHere) {
            stop();
        }
    }

    /** Stops the server if it still runs (the last user of the local stack leaving). */
    public void stopIfRunning() {
        if (livePort(dataDir).isPresent()) {
            stop();
        }
    }

    /** Stops the server whichever process started it (used by {@code stack down}). */
    public void stop() {
        run("stop PostgreSQL", command("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "stop"));
    }

    /** The port of a live server on the cluster configured at {@code dataDir}, if one runs. */
    public static Optional<Integer> runningPort(Path dataDir) {
        return livePort(reachableDataDir(dataDir.toAbsolutePath().normalize()));
    }

    /** Stops the server on the cluster configured at {@code dataDir}; false if none was running. */
    public static boolean stopIfRunning(Path dataDir, Path cacheRoot) {
        if (runningPort(dataDir).isEmpty()) {
            return false;
        }
        startOrAttach(dataDir, cacheRoot).stop();
        return true;
    }

    /** The port of a live server on {@code dataDir}, from its {@code postmaster.pid}. */
    private static Optional<Integer> livePort(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            int port = Integer.parseInt(lines.get(3).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive && LoopbackPorts.accepts(port) ? Optional.of(port) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no pid file, or a stale one from a crash: nothing running
        }
    }

    private void initialiseIfNeeded() {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        try {
            Files.createDirectories(dataDir);
            try (var entries = Files.list(dataDir)) {
                if (entries.findAny().isPresent()) {
                    throw new DatabaseUnavailableException(dataDir + " is not empty but holds no PostgreSQL "
                            + "cluster (no PG_VERSION); move it aside or point SAESPLIT_HOME elsewhere");
                }
            }
            Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
            if (isRoot()) {
                handToUnprivilegedUser();
            }
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot create the PostgreSQL data directory " + dataDir
                    + ": " + e.getMessage(), e);
        }
        Path passwordFile = null;
        try {
            passwordFile = Files.createTempFile("saesplit-initdb-", ".pw"); // created 0600
            Files.writeString(passwordFile, password + "\n");
            if (isRoot()) {
                Files.setOwner(passwordFile, unprivilegedUser()); // initdb runs as that user and reads it
            }
            run("initialise the PostgreSQL cluster in " + dataDir, command("initdb", "-D", dataDir.toString(),
                    "-U", USER, "--auth=scram-sha-256", "--pwfile=" + passwordFile, "--encoding=UTF8", "--locale=C",
                    "--no-instructions"));
        } catch (IOException e) {
            throw new DatabaseUnavailableException("cannot hand initdb its password file: " + e.getMessage(), e);
        } finally {
            deleteQuietly(passwordFile);
        }
    }

    /**
     * A cluster initialised with {@code trust} (saesplit before password authentication) gets the password and
     * scram-sha-256 in {@code pg_hba.conf}; the server reloads its configuration without a restart.
     */
    private void migrateFromTrust() {
        Path hba = dataDir.resolve("pg_hba.conf");
        try {
            String rules = Files.readString(hba);
            if (!TRUST.matcher(rules).find()) {
                return;
            }
            try (var connection = java.sql.DriverManager.getConnection(url("postgres"), USER, "");
                 var statement = connection.createStatement()) {
                statement.execute("SET password_encryption = 'scram-sha-256'");
                statement.execute("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "'");
                Files.writeString(hba, TRUST.matcher(rules).replaceAll("$1scram-sha-256"));
                statement.execute("SELECT pg_reload_conf()");
            }
            System.err.println("saesplit: the local PostgreSQL in " + dataDir + " now requires its password "
                    + "(scram-sha-256) instead of trusting every local user");
        } catch (IOException | java.sql.SQLException e) {
            throw new DatabaseUnavailableException("cannot switch the local PostgreSQL in " + dataDir
                    + " from trust to password authentication: " + e.getMessage(), e);
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a temporary file in the temporary directory; nothing depends on its removal
        }
    }

    private void start() {
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
                + " -c max_connections=100 -c fsync=on";
        run("start PostgreSQL on 127.0.0.1:" + port, command("pg_ctl", "-D", dataDir.toString(),
                "-l", dataDir.resolve("server.log").toString(), "-o", options, "-w", "-t", "120", "start"));
        migrateFromTrust();
        createDatabaseIfMissing();
    }

    private void createDatabaseIfMissing() {
        try (var connection = java.sql.DriverManager.getConnection(url("postgres"), USER, password);
             var statement = connection.createStatement();
             var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + DATABASE);
            }
        } catch (java.sql.SQLException e) {
            throw new DatabaseUnavailableException("PostgreSQL started on port " + port + " but the database '"
                    + DATABASE + "' cannot be created: " + e.getMessage(), e);
        }
    }

    /** PostgreSQL will not run as root: the data directory goes to {@code nobody}, who runs the server. */
    private void handToUnprivilegedUser() throws IOException {
        Files.setOwner(dataDir, unprivilegedUser());
    }

    private static UserPrincipal unprivilegedUser() throws IOException {
        UserPrincipalLookupService users = Path.of("/").getFileSystem().getUserPrincipalLookupService();
        return users.lookupPrincipalByName("nobody");
    }

    private List<String> command(String program, String... args) {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED_UID, "--regid=" + UNPRIVILEGED_UID,
                    "--clear-groups", "--"));
        }
        command.add(binDir.resolve(program).toString());
        command.addAll(List.of(args));
        return command;
    }

    private void run(String what, List<String> command) {
        try {
            Path log = Files.createTempFile("saesplit-postgres-", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (!process.waitFor(180, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new DatabaseUnavailableException("could not " + what + " within 180 s");
                }
                if (process.exitValue() != 0) {
                    String output = Files.readString(log).strip();
                    String serverLog = Files.isReadable(dataDir.resolve("server.log"))
                            ? "\n" + tail(Files.readString(dataDir.resolve("server.log"))) : "";
                    throw new DatabaseUnavailableException("could not " + what + " (exit " + process.exitValue()
                            + "): " + output + serverLog);
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new DatabaseUnavailableException("could not " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("interrupted while trying to " + what, e);
        }
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    }

    private static int freePort() {
        try {
            return LoopbackPorts.free();
        } catch (IOException e) {
            throw new DatabaseUnavailableException("no free TCP port on 127.0.0.1 for PostgreSQL", e);
        }
    }

    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
