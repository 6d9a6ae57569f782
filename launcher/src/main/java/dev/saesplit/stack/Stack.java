package dev.saesplit.stack;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a command that runs experiments needs: PostgreSQL, a Temporal server and client, the artifact
 * store, and optionally an in-process worker. What this stack started, it stops on close; what it found
 * running (the dev stack, an external server) it leaves alone.
 */
public final class Stack implements AutoCloseable {

    private final Database database;
    private final TemporalServer temporal;
    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;
    private final ArtifactStore artifacts;
    private WorkerFactory workers;

    private Stack(Database database, TemporalServer temporal, WorkflowServiceStubs stubs, WorkflowClient client,
                  ArtifactStore artifacts) {
        this.database = database;
        this.temporal = temporal;
        this.stubs = stubs;
        this.client = client;
        this.artifacts = artifacts;
    }

    /** Opens the stack the environment describes, starting what is not running. */
    public static Stack open(Map<String, String> environment) {
        DatabaseConfig config = DatabaseConfig.fromEnvironment(environment);
        Path stateDir = config.stateDir().toAbsolutePath().normalize();
        Database database = Database.open(config);
        TemporalServer temporal = null;
        try {
            String address = environment.getOrDefault("TEMPORAL_ADDRESS", "").trim();
            temporal = address.isEmpty()
                    ? TemporalServer.startOrAttach(stateDir, new PythonEnvironment(ProjectRoot.get()), false)
                    : TemporalServer.external(address);
            WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
                    WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
            WorkflowClient client = WorkflowClient.newInstance(stubs,
                    WorkflowClientOptions.newBuilder().setNamespace(TemporalServer.NAMESPACE).build());
            ArtifactStore artifacts = new ArtifactStore(stateDir.resolve("artifacts"), database.dataSource());
            return new Stack(database, temporal, stubs, client, artifacts);
        } catch (RuntimeException e) {
            if (temporal != null) {
                temporal.close();
            }
            database.close();
            throw e;
        }
    }

    /** Starts a worker in this process polling {@code queues}. */
    public void startWorker(Collection<String> queues) {
        workers = PipelineWorkers.create(client, queues, artifacts, database.dataSource());
        workers.start();
    }

    public WorkflowClient client() {
        return client;
    }

    public Database database() {
        return database;
    }

    public TemporalServer temporal() {
        return temporal;
    }

    public Optional<String> temporalUi() {
        return temporal.uiAddress();
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
            workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        stubs.shutdownNow();
        temporal.close();
        database.close();
    }
}
