package dev.saesplit.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A server saesplit runs as a child process: its output appended to {@code <state>/<name>.log}; either tied to
 * this process (stopped by {@link #close()}) or detached into a session of its own with its pid in
 * {@code <state>/<name>.pid}, so it outlives this process and a later {@code stack down} can stop it.
 */
public final class ServerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final boolean detached;

    private ServerProcess(String name, Process process, boolean detached) {
        this.name = name;
        this.process = process;
        this.detached = detached;
    }

    /** Starts {@code command} and waits until {@code ready} holds, the process exits, or {@code timeout} passes. */
    static ServerProcess launch(String name, List<String> command, Path stateDir, boolean detached,
                                BooleanSupplier ready, Duration timeout) {
        return launch(name, command, Map.of(), stateDir, detached, ready, timeout);
    }

    /** As {@link #launch(String, List, Path, boolean, BooleanSupplier, Duration)}, with {@code environment} added. */
    static ServerProcess launch(String name, List<String> command, Map<String, String> environment, Path stateDir,
                                boolean detached, BooleanSupplier ready, Duration timeout) {
        try {
            Files.createDirectories(stateDir);
            List<String> full = new ArrayList<>();
            if (detached) {
                full.add("setsid"); // its own session: a Ctrl-C or exit of this process does not reach it
            }
            full.addAll(command);
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name, stateDir).toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (detached) {
                Files.writeString(pidFile(name, stateDir), Long.toString(process.pid()));
            }
            ServerProcess server = new ServerProcess(name, process, detached);
            if (!detached) {
                // Stop it with this process even when the command is interrupted (Ctrl-C, SIGTERM).
                Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-" + name));
            }
            server.awaitReady(ready, timeout, stateDir);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + " server: " + e.getMessage(), e);
        }
    }

    /** Stops the detached {@code name} server of {@code stateDir}; false if none was running. */
    static boolean stopDetached(String name, Path stateDir) {
        Path pidFile = pidFile(name, stateDir);
        try {
            if (!Files.exists(pidFile)) {
                return false;
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Files.delete(pidFile);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            handle.ifPresent(h -> {
                h.descendants().forEach(ProcessHandle::destroy);
                h.destroy();
            });
            return handle.isPresent();
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot stop the " + name + " server recorded in " + pidFile + ": "
                    + e.getMessage(), e);
        }
    }

    /** Whether a detached {@code name} server of {@code stateDir} is alive. */
    static boolean detachedRunning(String name, Path stateDir) {
        try {
            Path pidFile = pidFile(name, stateDir);
            return Files.exists(pidFile) && ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
                    .map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return false;
        }
    }

    /** Stops a server tied to this process; a detached one keeps running. */
    @Override
    public void close() {
        if (detached || !process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady(BooleanSupplier ready, Duration timeout, Path stateDir) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " server exited (code " + process.exitValue()
                        + "); see " + log(name, stateDir));
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("the " + name + " server was not ready within " + timeout.toSeconds()
                        + " s; see " + log(name, stateDir));
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the " + name + " server", e);
            }
        }
    }

    private static Path log(String name, Path stateDir) {
        return stateDir.resolve(name + ".log");
    }

    private static Path pidFile(String name, Path stateDir) {
        return stateDir.resolve(name + ".pid");
    }
}
