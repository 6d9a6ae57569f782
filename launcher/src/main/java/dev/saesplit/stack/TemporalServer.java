package dev.saesplit.stack;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real Temporal server: the one {@code TEMPORAL_ADDRESS} names, one already listening on the dev stack's
 * port, or the Temporal CLI's dev server started here (its history in a SQLite file in the state directory, so
 * executions survive restarts). Closing stops only a server this instance started for itself.
 */
public final class TemporalServer extends StackServer {

    public static final int DEV_PORT = 7233;
    public static final int DEV_UI_PORT = 8233;
    public static final String NAMESPACE = "default";

    private final String address;
    private final Optional<String> uiAddress;

    private TemporalServer(String address, Optional<String> uiAddress, ServerProcess process) {
        super(process);
        this.address = address;
        this.uiAddress = uiAddress;
    }

    /** The server at {@code address}, which must already run. */
    public static TemporalServer external(String address) {
        return new TemporalServer(address, Optional.empty(), null);
    }

    /** The dev server on the default ports: attached to if it runs, started otherwise. */
    public static TemporalServer startOrAttach(Path stateDir, PythonEnvironment python, boolean detached) {
        if (LoopbackPorts.accepts(DEV_PORT)) {
            return new TemporalServer(address(DEV_PORT), Optional.of(ui(DEV_UI_PORT)), null);
        }
        return start(stateDir, python, DEV_PORT, DEV_UI_PORT, detached);
    }

    /**
     * Starts the dev server on the given ports. A {@code detached} server outlives this process (the dev
     * stack); otherwise it is stopped by {@link #close()}.
     */
    public static TemporalServer start(Path stateDir, PythonEnvironment python, int port, int uiPort,
                                       boolean detached) {
        Path temporal = python.executable("temporal", true);
        // SQLite in write-ahead mode, synced at checkpoints rather than at every commit: each workflow-task and
        // activity hand-over persists events, and the fsync per commit was a fifth of the quickstart's idle time.
        // A killed server or worker loses nothing; only a power cut can lose the last commits, which the
        // workflows then redo from their content-addressed outputs.
        List<String> command = List.of(temporal.toString(), "server", "start-dev", "--ip", "127.0.0.1",
                "--ui-ip", "127.0.0.1", "--port", Integer.toString(port), "--ui-port", Integer.toString(uiPort),
                "--db-filename", stateDir.resolve("temporal.db").toString(), "--sqlite-pragma", "journal_mode=wal",
                "--sqlite-pragma", "synchronous=normal", "--log-level", "warn");
        String address = address(port);
        ServerProcess process = ServerProcess.launch(Name.TEMPORAL.file(), command, stateDir, detached,
                () -> ready(address), Duration.ofSeconds(90));
        return new TemporalServer(address, Optional.of(ui(uiPort)), process);
    }

    public String address() {
        return address;
    }

    /** The Web UI's address, when saesplit knows it. */
    public Optional<String> uiAddress() {
        return uiAddress;
    }

    /** Whether the server answers for its namespace (it registers the namespace after opening the port). */
    private static boolean ready(String address) {
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
        try {
            stubs.blockingStub().describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build());
            return true;
        } catch (RuntimeException notYet) {
            return false;
        } finally {
            stubs.shutdownNow();
        }
    }

    private static String address(int port) {
        return "127.0.0.1:" + port;
    }

    private static String ui(int port) {
        return "http://127.0.0.1:" + port;
    }
}
