package dev.saesplit.cli;

import dev.saesplit.stack.AirflowServer;
import dev.saesplit.stack.LocalPostgres;
import dev.saesplit.stack.LocalStackLease;
import dev.saesplit.stack.LoopbackPorts;
import dev.saesplit.stack.MlflowServer;
import dev.saesplit.stack.ProjectRoot;
import dev.saesplit.stack.PythonEnvironment;
import dev.saesplit.stack.ServiceChecks;
import dev.saesplit.stack.StackServer;
import dev.saesplit.stack.TemporalServer;
import dev.saesplit.store.DatabaseConfig;
import dev.saesplit.text.Redaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Starts, stops and shows the dev stack: services that keep running between commands. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Manage the dev stack: PostgreSQL, the Temporal dev server (with its Web UI), the "
                + "MLflow tracking server and, with 'up --airflow', Apache Airflow, on 127.0.0.1, with their data "
                + "under the state directory.",
        subcommands = {StackCommand.Up.class, StackCommand.Down.class, StackCommand.Status.class})
final class StackCommand {

    @ParentCommand
    SaesplitCommand saesplit;

    /** What the stack subcommands share: the state directory's configuration and the output. */
    abstract static class StackSubcommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        StackCommand stack;
        @Spec
        picocli.CommandLine.Model.CommandSpec command;

        DatabaseConfig config() {
            return DatabaseConfig.fromEnvironment(stack.saesplit.environment());
        }

        Path stateDir() {
            return config().stateDir().toAbsolutePath();
        }

        PrintWriter out() {
            return command.commandLine().getOut();
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true, description = "Start the dev stack (idempotent).")
    static final class Up extends StackSubcommand {
        @picocli.CommandLine.Option(names = "--airflow", description = "Also run Apache Airflow (airflow standalone, "
                + "installed into .venv-airflow on first use) with saesplit's DAGs; see docs/airflow.md.")
        boolean airflow;

        @Override
        public Integer call() {
            DatabaseConfig config = config();
            PrintWriter out = out();
            LocalStackLease.pin(stateDir()); // runs on when the commands using it end, until 'stack down'
            LocalPostgres postgres = LocalPostgres.startOrAttach(config.localDataDir(), DatabaseConfig.binaryCache());
            out.printf("PostgreSQL  %s (data in %s)%n", postgres.jdbcUrl(), postgres.dataDir());
            Path stateDir = stateDir();
            TemporalServer temporal = TemporalServer.startOrAttach(stateDir, new PythonEnvironment(ProjectRoot.get()),
                    true);
            out.printf("Temporal    %s%s%n", temporal.address(), temporal.uiAddress().map(u -> "  (Web UI " + u + ")")
                    .orElse(""));
            MlflowServer mlflow = MlflowServer.startOrAttach(stateDir, new PythonEnvironment(ProjectRoot.get()), true);
            out.printf("MLflow      %s%n", Redaction.redact(mlflow.trackingUri()));
            out.flush();
            if (airflow) {
                // Its tasks run saesplit commands against this same stack.
                AirflowServer server = AirflowServer.startOrAttach(stateDir, ProjectRoot.get(),
                        Map.of("TEMPORAL_ADDRESS", temporal.address(), "MLFLOW_TRACKING_URI", mlflow.trackingUri()));
                out.printf("Airflow     %s  (user %s, password in %s)%n", server.url(), server.credentials().username(),
                        AirflowServer.passwordFile(stateDir));
                out.flush();
            }
            return SaesplitCommand.OK;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the dev stack.")
    static final class Down extends StackSubcommand {
        @Override
        public Integer call() {
            DatabaseConfig config = config();
            PrintWriter out = out();
            // MLflow only receives what the outbox keeps until it is back: stopping it never loses anything.
            out.println(StackServer.Name.MLFLOW.stopDetached(stateDir())
                    ? "MLflow      stopped" : "MLflow      was not running from this state directory");
            if (StackServer.Name.AIRFLOW.stopDetached(stateDir())) {
                out.println("Airflow     stopped");
            }
            List<Long> users = LocalStackLease.unpinAndStopIfUnused(stateDir(), () -> {
                out.println(StackServer.Name.TEMPORAL.stopDetached(stateDir())
                        ? "Temporal    stopped" : "Temporal    was not running from this state directory");
                out.println(LocalPostgres.stopIfRunning(config.localDataDir(), DatabaseConfig.binaryCache())
                        ? "PostgreSQL  stopped" : "PostgreSQL  was not running");
            });
            if (!users.isEmpty()) {
                out.println("Temporal and PostgreSQL stay up while " + users.size() + " saesplit process"
                        + (users.size() == 1 ? "" : "es") + " use" + (users.size() == 1 ? "s" : "") + " them (pid "
                        + users.stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + "); the last to finish stops them");
            }
            out.flush();
            return SaesplitCommand.OK;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = {"Show which Temporal (address, "
            + "namespace, TLS), PostgreSQL, MLflow and artifact store this environment uses and whether each "
            + "answers, then what the dev stack runs.", "Secrets are never shown: passwords are masked, an API key "
            + "is only said to be set."})
    static final class Status extends StackSubcommand {

        /** Whether 'stack down' here can stop it. */
        private static String owner(boolean startedFromHere) {
            return startedFromHere ? "" : "  (not started from this state directory; 'stack down' leaves it)";
        }

        @Override
        public Integer call() {
            DatabaseConfig config = config();
            PrintWriter out = out();
            ServiceChecks.lines(stack.saesplit.environment(), stateDir()).forEach(out::println);
            out.println();
            out.println("dev stack (state directory " + stateDir() + "):");
            out.println(LocalPostgres.runningPort(config.localDataDir()).map(p -> "PostgreSQL  running on 127.0.0.1:" + p)
                    .orElse("PostgreSQL  stopped (commands start it on demand)"));
            List<Long> users = LocalStackLease.liveUsers(stateDir());
            out.println("Users       " + (users.isEmpty() ? "none" : users.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ", "saesplit pid ", "")))
                    + (LocalStackLease.pinned(stateDir()) ? "  (pinned by 'stack up')" : ""));
            out.println(LoopbackPorts.accepts(TemporalServer.DEV_PORT)
                    ? "Temporal    running on 127.0.0.1:" + TemporalServer.DEV_PORT + "  (Web UI http://127.0.0.1:"
                    + TemporalServer.DEV_UI_PORT + ")" + owner(StackServer.Name.TEMPORAL.runsDetached(stateDir()))
                    : "Temporal    stopped (run starts it on demand)");
            out.println(LoopbackPorts.accepts(MlflowServer.DEV_PORT)
                    ? "MLflow      running on http://127.0.0.1:" + MlflowServer.DEV_PORT
                    + owner(StackServer.Name.MLFLOW.runsDetached(stateDir()))
                    : "MLflow      stopped (run starts it, and leaves it running for its UI)");
            if (LoopbackPorts.accepts(AirflowServer.DEV_PORT)) {
                out.println("Airflow     running on http://127.0.0.1:" + AirflowServer.DEV_PORT
                        + owner(StackServer.Name.AIRFLOW.runsDetached(stateDir())));
            }
            out.flush();
            return SaesplitCommand.OK;
        }
    }
}
