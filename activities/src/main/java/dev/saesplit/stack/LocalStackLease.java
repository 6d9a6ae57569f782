package dev.saesplit.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A reference count on the local stack of one state directory (its PostgreSQL and Temporal dev server), shared
 * by every saesplit process that uses it: each holds {@code users/<pid>} in the state directory while it runs.
 * The last process to leave stops what the stack runs, so a second command never loses the server under it
 * when the first ends, and servers outlive no one. A process killed with SIGKILL leaves its file behind; any
 * later process sees that the pid is dead (or reused: the file records the process's start time) and removes
 * it. {@code stack up} pins the stack so it runs on with no users; {@code stack down} unpins it and stops it
 * only when no one uses it. Every decision is taken under an exclusive lock on {@code stack.lock}.
 */
public final class LocalStackLease implements AutoCloseable {

    static final String USERS = "users";
    static final String LOCK = "stack.lock";
    static final String PIN = "stack.pinned";

    /** Per state directory, this process's holds and what to stop when the last user leaves. */
    private static final Map<Path, Holds> HELD = new HashMap<>();
    private static final Object LOCK_MONITOR = new Object();

    private final Path stateDir;
    private boolean released;

    private LocalStackLease(Path stateDir) {
        this.stateDir = stateDir;
    }

    /** What this process does with one state directory: how many holds, and the stop actions registered. */
    private static final class Holds {
        int count;
        final Map<String, Runnable> onLastRelease = new LinkedHashMap<>();
        Thread shutdownHook;
    }

    /** Joins the users of the stack in {@code stateDir}, waiting while another process stops it. */
    public static LocalStackLease acquire(Path stateDir) {
        Path dir = stateDir.toAbsolutePath().normalize();
        synchronized (HELD) {
            Holds holds = HELD.computeIfAbsent(dir, d -> new Holds());
            if (holds.count == 0) {
                underLock(dir, () -> {
                    pruneDeadUsers(dir);
                    Files.createDirectories(dir.resolve(USERS));
                    Files.writeString(userFile(dir, ProcessHandle.current().pid()), identity(ProcessHandle.current()));
                    return null;
                });
                holds.shutdownHook = new Thread(() -> releaseAll(dir), "release-stack-" + dir.getFileName());
                Runtime.getRuntime().addShutdownHook(holds.shutdownHook);
            }
            holds.count++;
        }
        return new LocalStackLease(dir);
    }

    /**
     * Runs {@code startOrAttach} while no other process (or thread) of this state directory can: two commands
     * started together would otherwise both find no server running and both start one, and the second fails on
     * the first's {@code postmaster.pid}. Under the lock the second finds the first's server and attaches.
     */
    public <T> T exclusively(Supplier<T> startOrAttach) {
        return underLock(stateDir, startOrAttach::get);
    }

    /**
     * Runs {@code stop} when the last user of the stack leaves, if this process is that user (a process that
     * attached to a server registers its stop too: the one that started it may be gone). One action per name.
     */
    public void onLastRelease(String name, Runnable stop) {
        synchronized (HELD) {
            HELD.get(stateDir).onLastRelease.put(name, stop);
        }
    }

    /** Leaves; the last user of an unpinned stack stops it. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (released) {
                return;
            }
            released = true;
            Holds holds = HELD.get(stateDir);
            if (--holds.count > 0) {
                return;
            }
            HELD.remove(stateDir);
            try {
                Runtime.getRuntime().removeShutdownHook(holds.shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // already running the hooks: this release is the one that counts
            }
            leave(stateDir, holds);
        }
    }

    /** The processes using the stack now, dead ones removed. */
    public static List<Long> liveUsers(Path stateDir) {
        Path dir = stateDir.toAbsolutePath().normalize();
        return underLock(dir, () -> {
            pruneDeadUsers(dir);
            return users(dir);
        });
    }

    /** {@code stack up}: the stack runs on when its last user leaves. */
    public static void pin(Path stateDir) {
        Path dir = stateDir.toAbsolutePath().normalize();
        underLock(dir, () -> Files.writeString(dir.resolve(PIN), "pinned by 'saesplit stack up'\n"));
    }

    /** Whether {@code stack up} pinned the stack. */
    public static boolean pinned(Path stateDir) {
        return Files.exists(stateDir.toAbsolutePath().normalize().resolve(PIN));
    }

    /**
     * {@code stack down}: unpins the stack and runs {@code stop} at once if no live process uses it; otherwise
     * leaves the stop to the last user and returns their pids.
     */
    public static List<Long> unpinAndStopIfUnused(Path stateDir, Runnable stop) {
        Path dir = stateDir.toAbsolutePath().normalize();
        return underLock(dir, () -> {
            Files.deleteIfExists(dir.resolve(PIN));
            pruneDeadUsers(dir);
            List<Long> users = users(dir);
            if (users.isEmpty()) {
                stop.run();
            }
            return users;
        });
    }

    private static void releaseAll(Path dir) {
        synchronized (HELD) {
            Holds holds = HELD.remove(dir);
            if (holds != null) {
                leave(dir, holds);
            }
        }
    }

    private static void leave(Path dir, Holds holds) {
        underLock(dir, () -> {
            Files.deleteIfExists(userFile(dir, ProcessHandle.current().pid()));
            pruneDeadUsers(dir);
            if (users(dir).isEmpty() && !Files.exists(dir.resolve(PIN))) {
                for (Runnable stop : holds.onLastRelease.values()) {
                    try {
                        stop.run();
                    } catch (RuntimeException e) {
                        System.err.println("saesplit: could not stop part of the local stack: " + e.getMessage());
                    }
                }
            }
            return null;
        });
    }

    private static List<Long> users(Path dir) throws IOException {
        List<Long> pids = new ArrayList<>();
        Path users = dir.resolve(USERS);
        if (Files.isDirectory(users)) {
            try (var files = Files.list(users)) {
                for (Path f : files.toList()) {
                    pid(f).ifPresent(pids::add);
                }
            }
        }
        return pids;
    }

    /** Removes the files of users that are gone: pid dead, or reused by a process started at another time. */
    private static void pruneDeadUsers(Path dir) throws IOException {
        Path users = dir.resolve(USERS);
        if (!Files.isDirectory(users)) {
            return;
        }
        try (var files = Files.list(users)) {
            for (Path f : files.toList()) {
                Optional<Long> pid = pid(f);
                boolean alive = pid.flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                        .map(h -> identity(h).equals(readQuietly(f))).orElse(false);
                if (!alive) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static Optional<Long> pid(Path userFile) {
        try {
            return Optional.of(Long.parseLong(userFile.getFileName().toString()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A pid with its start time: a recycled pid names another process. */
    private static String identity(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Instant::toString).orElse("?") + "\n";
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }

    private static Path userFile(Path dir, long pid) {
        return dir.resolve(USERS).resolve(Long.toString(pid));
    }

    private interface Locked<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code action} holding the state directory's lock, which other processes wait for (and other threads
     * of this one: a JVM may not hold two locks on one file).
     */
    private static <T> T underLock(Path dir, Locked<T> action) {
        synchronized (LOCK_MONITOR) {
            return underFileLock(dir, action);
        }
    }

    private static <T> T underFileLock(Path dir, Locked<T> action) {
        try {
            Files.createDirectories(dir);
            try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                return action.run();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the local stack's lock in " + dir + ": " + e.getMessage(), e);
        }
    }
}
