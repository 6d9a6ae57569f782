package dev.saesplit.stack;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.ArtifactStoreConfig;
import dev.saesplit.store.Database;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.track.MlflowBackend;
import dev.saesplit.artifact.MlflowCredentials;
import dev.saesplit.track.TrackingSync;
import dev.saesplit.track.TrackingSyncLoop;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a command that runs experiments needs: PostgreSQL, a Temporal server and client, the artifact
 * store, tracking delivery to MLflow, and optionally an in-process worker. The local PostgreSQL and Temporal dev
 * server are shared by every saesplit process of the state directory: they run detached, and the last process
 * to close its stack stops them (see {@link LocalStackLease}), unless {@code stack up} pinned them. External
 * servers are left alone.
 */
public final class Stack implements AutoCloseable {

    private final Database database;
    private final TemporalServer temporal;
    private final WorkflowServiceStubs stubs;
    private final WorkflowClient client;
    private final ArtifactStore artifacts;
    private final Map<String, String> environment;
    private final Path stateDir;
    private final LocalStackLease lease;
    private WorkerFactory workers;
    private MlflowServer mlflow;
    private TrackingSync tracking;
    private TrackingSyncLoop trackingLoop;

    private Stack(Database database, TemporalServer temporal, WorkflowServiceStubs stubs, WorkflowClient client,
                  ArtifactStore artifacts, Map<String, String> environment, Path stateDir, LocalStackLease lease) {
        this.database = database;
        this.temporal = temporal;
        this.stubs = stubs;
        this.client = client;
        this.artifacts = artifacts;
        this.environment = environment;
        this.stateDir = stateDir;
        this.lease = lease;
    }

    /** Opens the stack the environment describes, starting what is not running. */
    public static Stack open(Map<String, String> environment) {
        DatabaseConfig config = DatabaseConfig.fromEnvironment(environment);
        ArtifactStoreConfig artifactConfig = ArtifactStoreConfig.fromEnvironment(environment); // before starting anything
        Path stateDir = config.stateDir().toAbsolutePath().normalize();
        LocalStackLease lease = LocalStackLease.acquire(stateDir);
        Database database;
        try {
            database = Database.open(config);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        TemporalServer temporal = null;
        try {
            TemporalConnection connection = TemporalConnection.fromEnvironment(environment);
            String address = environment.getOrDefault("TEMPORAL_ADDRESS", "").trim();
            if (address.isEmpty()) {
                // Detached: other commands may attach to it, and one killed outright must not take it along.
                lease.onLastRelease("temporal", () -> StackServer.Name.TEMPORAL.stopDetached(stateDir));
                temporal = lease.exclusively(() -> TemporalServer.startOrAttach(stateDir,
                        new PythonEnvironment(ProjectRoot.get()), true));
            } else {
                temporal = TemporalServer.external(address);
            }
            WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
                    connection.stubsOptions(temporal.address()));
            WorkflowClient client = WorkflowClient.newInstance(stubs,
                    WorkflowClientOptions.newBuilder().setNamespace(connection.namespace()).build());
            ArtifactStore artifacts = ArtifactStore.configured(artifactConfig, stateDir, database.dataSource());
            return new Stack(database, temporal, stubs, client, artifacts, environment, stateDir, lease);
        } catch (RuntimeException e) {
            if (temporal != null) {
                temporal.close();
            }
            database.close();
            lease.close();
            throw e;
        }
    }

    /**
     * Starts a worker in this process polling {@code queues}; a worker on the cpu queue also delivers tracking
     * data to MLflow in the background.
     */
    public void startWorker(Collection<String> queues) {
        startWorker(queues, TrainingSlots.forThisMachine());
    }

    /** As above, running at most {@code training.slots()} trainings at once. */
    public void startWorker(Collection<String> queues, TrainingSlots training) {
        artifacts.removeStaleStaging(); // writes of a killed worker; live writers hold a lock and are left alone
        workers = PipelineWorkers.create(client, queues, artifacts, database.dataSource(),
                () -> AirflowServer.forEnvironment(environment, stateDir).client(), training);
        workers.start();
        if (queues.contains(TaskQueues.CPU)) {
            trackingLoop = TrackingSyncLoop.start(tracking(), Duration.ofSeconds(2));
        }
    }

    /**
     * Delivery to the tracking server: the one {@code MLFLOW_TRACKING_URI} names, else the dev server, started
     * detached when not running (it stays up so its UI can be browsed after the command ends).
     */
    public synchronized TrackingSync tracking() {
        if (tracking == null) {
            mlflow = MlflowServer.forEnvironment(environment, stateDir, new PythonEnvironment(ProjectRoot.get()));
            tracking = new TrackingSync(database.dataSource(), new MlflowBackend(mlflow.trackingUri(),
                    MlflowCredentials.fromEnvironment(environment)),
                    TrackingContexts.current(), artifacts.root());
        }
        return tracking;
    }

    public WorkflowClient client() {
        return client;
    }

    public ArtifactStore artifacts() {
        return artifacts;
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
        if (trackingLoop != null) {
            trackingLoop.close();
        }
        if (mlflow != null) {
            mlflow.close();
        }
        if (workers != null) {
            workers.shutdownNow();
            workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        stubs.shutdownNow();
        temporal.close();
        database.close();
        lease.close();
    }
}
