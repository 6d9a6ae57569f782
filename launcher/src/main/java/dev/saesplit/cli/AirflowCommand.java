package dev.saesplit.cli;

import dev.saesplit.airflow.AirflowDagRuns;
import dev.saesplit.airflow.invoker.ApiException;
import dev.saesplit.airflow.model.DAGRunResponse;
import dev.saesplit.airflow.model.TaskInstanceResponse;
import dev.saesplit.preflight.SpecArtifactsCheck;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.stack.AirflowServer;
import dev.saesplit.store.DatabaseConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/** Runs experiments through Airflow's saesplit_experiment DAG, via the generated Airflow client. */
@Command(name = "airflow", mixinStandardHelpOptions = true,
        description = {"Trigger and list runs of the saesplit_experiment DAG in Airflow: the one AIRFLOW_URL names "
                + "(with AIRFLOW_USERNAME and AIRFLOW_PASSWORD), else the dev stack's ('saesplit stack up --airflow')."},
        subcommands = {AirflowCommand.Trigger.class, AirflowCommand.Runs.class})
final class AirflowCommand {

    static final String EXPERIMENT_DAG = "saesplit_experiment";
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");

    @ParentCommand
    SaesplitCommand saesplit;

    /** What both subcommands have: this command (the environment, Airflow) and their output. */
    abstract static class AirflowSubcommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        AirflowCommand airflow;
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec command;

        PrintWriter out() {
            return command.commandLine().getOut();
        }
    }

    /** The Airflow the environment names, signed in (wrong credentials fail here, with a readable message). */
    AirflowDagRuns connect() {
        Path stateDir = DatabaseConfig.fromEnvironment(saesplit.environment()).stateDir().toAbsolutePath();
        AirflowServer server = AirflowServer.forEnvironment(saesplit.environment(), stateDir);
        AirflowDagRuns runs = new AirflowDagRuns(server.client());
        runs.client().authenticate();
        return runs;
    }

    @Command(name = "trigger", mixinStandardHelpOptions = true,
            description = "Trigger saesplit_experiment with a spec and follow the DAG run to its end.")
    static final class Trigger extends AirflowSubcommand {
        @Parameters(paramLabel = "FILE", description = "The experiment spec (YAML), a path Airflow's tasks can read.")
        Path file;

        @Option(names = "--no-follow", description = "Return once the DAG run is queued.")
        boolean noFollow;

        @Override
        public Integer call() throws SpecValidationException, ApiException, InterruptedException {
            ExperimentSpec spec = SpecParser.parse(file, new SpecArtifactsCheck()); // a bad spec costs no DAG run
            AirflowDagRuns runs = airflow.connect();
            if (!runs.exists(EXPERIMENT_DAG)) {
                throw new dev.saesplit.stack.AirflowNotConfiguredException("Airflow at " + runs.client().baseUrl() + " has no DAG '" + EXPERIMENT_DAG
                        + "': its DAG folder must hold saesplit's infra/airflow/dags");
            }
            if (runs.paused(EXPERIMENT_DAG)) {
                runs.setPaused(EXPERIMENT_DAG, false);
            }
            String runId = "saesplit__" + spec.name() + "__" + ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID_TIME);
            DAGRunResponse run = runs.triggerOrAttach(EXPERIMENT_DAG, runId,
                    Map.of("spec", file.toAbsolutePath().normalize().toString()));
            PrintWriter out = out();
            out.printf("DAG run %s of %s triggered (%s/dags/%s/runs/%s)%n", run.getDagRunId(), EXPERIMENT_DAG,
                    runs.client().baseUrl(), EXPERIMENT_DAG, run.getDagRunId());
            out.flush();
            if (noFollow) {
                return SaesplitCommand.OK;
            }
            run = DagRunFollower.follow(runs, EXPERIMENT_DAG, run.getDagRunId(), out, System.console() != null);
            if (run.getState() == dev.saesplit.airflow.model.DagRunState.SUCCESS) {
                out.printf("DAG run %s succeeded: experiment '%s' (saesplit status %s)%n", run.getDagRunId(),
                        spec.name(), spec.name());
                out.flush();
                return SaesplitCommand.OK;
            }
            for (TaskInstanceResponse task : runs.failedTasks(EXPERIMENT_DAG, run.getDagRunId())) {
                out.printf("task %s failed; the end of its log:%n%s%n", task.getTaskId(),
                        runs.logTail(EXPERIMENT_DAG, run.getDagRunId(), task, 20));
            }
            out.flush();
            throw new ExperimentFailedException("DAG run " + run.getDagRunId() + " of " + EXPERIMENT_DAG + " "
                    + run.getState().getValue(), null);
        }
    }

    @Command(name = "runs", mixinStandardHelpOptions = true,
            description = "List recent runs of saesplit_experiment with their experiments.")
    static final class Runs extends AirflowSubcommand {
        @Option(names = "--limit", defaultValue = "10", description = "How many runs (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws ApiException {
            AirflowDagRuns runs = airflow.connect();
            PrintWriter out = out();
            out.printf("%-44s %-8s %-20s %s%n", "DAG run", "state", "started", "experiment");
            for (DAGRunResponse run : runs.recent(EXPERIMENT_DAG, limit)) {
                Object experiment = runs.xcom(EXPERIMENT_DAG, run.getDagRunId(), "launch", "return_value")
                        .orElse(run.getConf() == null ? "" : "spec " + run.getConf().getOrDefault("spec", ""));
                out.printf("%-44s %-8s %-20s %s%n", run.getDagRunId(), run.getState().getValue(),
                        run.getStartDate() == null ? "" : run.getStartDate().withOffsetSameInstant(ZoneOffset.UTC)
                                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")), experiment);
            }
            out.flush();
            return SaesplitCommand.OK;
        }
    }
}
