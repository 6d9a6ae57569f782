package dev.saesplit.stack;

import dev.saesplit.store.DatabaseConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.apache.commons.io.file.PathUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * Real services for a test class: a state directory, PostgreSQL on it, and a Temporal dev server and an
 * MLflow tracking server on free ports. The state directory lives in the system temporary directory, which PostgreSQL's unprivileged user
 * can reach when tests run as root.
 */
public final class TestServices implements AutoCloseable {

    private final Path home;
    private final LocalPostgres postgres;
    private final TemporalServer temporal;
    private final int mlflowPort;
    /** The test is a user of the local stack, so commands it runs never stop the server under it. */
    private final LocalStackLease lease;
    private MlflowServer mlflow;
    private WorkflowServiceStubs stubs;

    private TestServices(Path home, LocalStackLease lease, LocalPostgres postgres, TemporalServer temporal,
                         int mlflowPort) {
        this.home = home;
        this.lease = lease;
        this.postgres = postgres;
        this.temporal = temporal;
        this.mlflowPort = mlflowPort;
    }

    /**
     * A new state directory for a test, {@code saesplit-NAME-...} in the system temporary directory, readable by
     * PostgreSQL's unprivileged user when tests run as root.
     */
    public static Path home(String name) throws IOException {
        return Files.createTempDirectory("saesplit-" + name + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    }

    public static TestServices start(String name) {
        try {
            Path home = home(name);
            LocalStackLease lease = LocalStackLease.acquire(home);
            LocalPostgres postgres = LocalPostgres.startOrAttach(DatabaseConfig.local(home).localDataDir(),
                    DatabaseConfig.binaryCache());
            TemporalServer temporal;
            try {
                temporal = startTemporal(home);
            } catch (RuntimeException e) {
                // No TestServices to close exists yet: stop what was started, or it outlives the test run.
                postgres.close();
                lease.close();
                throw e;
            }
            TestServices services = new TestServices(home, lease, postgres, temporal, freePort());
            services.startMlflow();
            return services;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The dev server on two ports free a moment ago. Another process on the machine can take one before the
     * server binds it (the server then exits at once), so a failed start is tried again on other ports.
     */
    private static TemporalServer startTemporal(Path home) throws IOException {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return TemporalServer.start(home, new PythonEnvironment(ProjectRoot.get()), freePort(), freePort(),
                        false);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    public Path home() {
        return home;
    }

    public LocalPostgres postgres() {
        return postgres;
    }

    public TemporalServer temporal() {
        return temporal;
    }

    /** The MLflow server, always on the same port and data, so a restart continues where it stopped. */
    public synchronized MlflowServer startMlflow() {
        mlflow = MlflowServer.start(home, new PythonEnvironment(ProjectRoot.get()), mlflowPort, false);
        return mlflow;
    }

    public synchronized void stopMlflow() {
        mlflow.close();
    }

    public String mlflowUri() {
        return "http://127.0.0.1:" + mlflowPort;
    }

    /** A client of the Temporal server in saesplit's namespace, closed with the services. */
    public synchronized WorkflowClient workflowClient() {
        if (stubs == null) {
            stubs = WorkflowServiceStubs.newServiceStubs(
                    WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
        }
        return WorkflowClient.newInstance(stubs, WorkflowClientOptions.newBuilder()
                .setNamespace(TemporalServer.NAMESPACE).build());
    }

    /** The environment saesplit commands and workers need to use these services. */
    public Map<String, String> environment() {
        return Map.of("SAESPLIT_HOME", home.toString(), "TEMPORAL_ADDRESS", temporal.address(),
                "MLFLOW_TRACKING_URI", mlflowUri());
    }

    @Override
    public void close() throws IOException {
        if (stubs != null) {
            stubs.shutdownNow();
        }
        mlflow.close();
        temporal.close();
        postgres.close();
        lease.close();
        PathUtils.deleteDirectory(home);
    }

    static int freePort() throws IOException {
        return LoopbackPorts.free();
    }
}
