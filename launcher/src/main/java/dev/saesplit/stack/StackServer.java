package dev.saesplit.stack;

import java.nio.file.Path;
import java.util.Locale;

/**
 * A server of the dev stack (Temporal, MLflow, Airflow) as one process holds it: attached to, when it already ran
 * or another installation runs it, or started here as a {@link ServerProcess}. Closing stops only a server this
 * instance started tied to this process; a detached one runs on until {@code stack down}.
 */
public abstract class StackServer implements AutoCloseable {

    /** The servers by the name their log and pid files carry in the state directory. */
    public enum Name {
        TEMPORAL, MLFLOW, AIRFLOW;

        /** {@code temporal}, {@code mlflow} or {@code airflow}: its files' name and its name in messages. */
        String file() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Stops this server if it runs detached from {@code stateDir}; false if none was running. */
        public boolean stopDetached(Path stateDir) {
            return ServerProcess.stopDetached(file(), stateDir);
        }

        /** Whether this server runs detached from {@code stateDir}. */
        public boolean runsDetached(Path stateDir) {
            return ServerProcess.detachedRunning(file(), stateDir);
        }
    }

    private final ServerProcess process;

    /** @param startedHere the process this instance started, or null when it attached to a running server */
    StackServer(ServerProcess startedHere) {
        this.process = startedHere;
    }

    /** Stops the server if this instance started it tied to this process. */
    @Override
    public final void close() {
        if (process != null) {
            process.close();
        }
    }
}
