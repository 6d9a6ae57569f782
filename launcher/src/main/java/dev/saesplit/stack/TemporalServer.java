package dev.saesplit.stack;

import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Temporal server: the one {@code TEMPORAL_ADDRESS} names, one already listening on the dev stack's
 * port, or the Temporal CLI's dev server started here (its history in a SQLite file in the state directory, so
 * executions survive restarts). Closing stops only a server this instance started for itself.
 */
public final class TemporalServer implements AutoCloseable {

    public static final int DEV_PORT = 7233;
    public static final int DEV_UI_PORT = 8233;
    public static final String NAMESPACE = "default";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String address;
    private final Optional<String> uiAddress;
    private final Process process;

    private TemporalServer(String address, Optional<String> uiAddress, Process process) {
        this.address = address;
        this.uiAddress = uiAddress;
        this.process = process;
    }

    /** The server at {@code address}, which must already run. */
    public static TemporalServer external(String address) {
        return new TemporalServer(address, Optional.empty(), null);
    }

    /** The dev server on the default ports: attached to if it runs, started otherwise. */
    public static TemporalServer startOrAttach(Path stateDir, PythonEnvironment python, boolean detached) {
        if (accepts(DEV_PORT)) {
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
        try {
            Files.createDirectories(stateDir);
            List<String> command = new ArrayList<>();
            if (detached) {
                command.add("setsid");
            }
            command.addAll(List.of(temporal.toString(), "server", "start-dev", "--ip", "127.0.0.1",
                    "--ui-ip", "127.0.0.1", "--port", Integer.toString(port), "--ui-port", Integer.toString(uiPort),
                    "--db-filename", stateDir.resolve("temporal.db").toString(), "--log-level", "warn"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(stateDir.resolve("temporal.log").toFile()))
                    .start();
            if (detached) {
                Files.writeString(pidFile(stateDir), Long.toString(process.pid()));
            }
            TemporalServer server = new TemporalServer(address(port), Optional.of(ui(uiPort)),
                    detached ? null : process);
            server.awaitReady(process, stateDir);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Temporal dev server: " + e.getMessage(), e);
        }
    }

    /** Stops a detached dev server started on {@code stateDir}; false if none was running. */
    public static boolean stopDetached(Path stateDir) {
        Path pidFile = pidFile(stateDir);
        try {
            if (!Files.exists(pidFile)) {
                return false;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Files.delete(pidFile);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            handle.ifPresent(ProcessHandle::destroy);
            return handle.isPresent();
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot stop the Temporal dev server recorded in " + pidFile + ": "
                    + e.getMessage(), e);
        }
    }

    public static boolean runsDetached(Path stateDir) {
        return Files.exists(pidFile(stateDir)) && accepts(DEV_PORT);
    }

    public String address() {
        return address;
    }

    /** The Web UI's address, when saesplit knows it. */
    public Optional<String> uiAddress() {
        return uiAddress;
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void awaitReady(Process process, Path stateDir) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
                WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Temporal dev server exited (code " + process.exitValue()
                            + "); see " + stateDir.resolve("temporal.log"));
                }
                try {
                    stubs.blockingStub().describeNamespace(
                            DescribeNamespaceRequest.newBuilder().setNamespace(NAMESPACE).build());
                    return;
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the Temporal dev server did not become ready at " + address
                                + " within " + READY_TIMEOUT.toSeconds() + " s; see " + stateDir.resolve("temporal.log"));
                    }
                    sleep();
                }
            }
        } finally {
            stubs.shutdownNow();
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Temporal", e);
        }
    }

    static boolean accepts(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path pidFile(Path stateDir) {
        return stateDir.resolve("temporal.pid");
    }

    private static String address(int port) {
        return "127.0.0.1:" + port;
    }

    private static String ui(int port) {
        return "http://127.0.0.1:" + port;
    }
}
