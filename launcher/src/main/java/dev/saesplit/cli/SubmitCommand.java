package dev.saesplit.cli;

import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.preflight.SpecArtifactsCheck;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.stack.Stack;
import dev.saesplit.store.AirflowRunLinks;
import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Validates a spec and records the experiment and its run table as pending; with --start, also launches it. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Validate a spec and record the experiment and its run table as pending.",
                "With --start, also start its workflow on Temporal for workers running elsewhere, and return "
                        + "('saesplit status EXPERIMENT --format json' follows it)."})
final class SubmitCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "FILE", description = "The experiment spec (YAML).")
    Path file;

    @Option(names = "--start", description = "Start the experiment's workflow (attaching if it already runs).")
    boolean start;

    @ArgGroup(exclusive = false)
    AirflowRun airflow;

    /** The Airflow DAG run launching the experiment, recorded with it and tagged on its MLflow parent run. */
    static final class AirflowRun {
        @Option(names = "--airflow-dag", required = true, paramLabel = "DAG_ID")
        String dagId;
        @Option(names = "--airflow-dag-run", required = true, paramLabel = "RUN_ID")
        String dagRunId;
        @Option(names = "--airflow-url", required = true, paramLabel = "URL",
                description = "The DAG run's page in the Airflow UI.")
        String url;
    }

    @Override
    public Integer call() throws SpecValidationException, IOException {
        // Before the database: an invalid spec writes nothing.
        ExperimentSpec spec = SpecParser.parse(file, new SpecArtifactsCheck());
        String yaml = Files.readString(file);
        if (start) {
            try (Stack stack = saesplit.openStack()) {
                record(spec, yaml, stack.database().dataSource());
                String workflowId = WorkflowIds.experiment(spec.name());
                ExperimentLaunch.start(stack.client(), workflowId, spec);
                out().printf("experiment '%s' started as workflow %s%n", spec.name(), workflowId);
            }
        } else {
            try (Database database = saesplit.openDatabase()) {
                record(spec, yaml, database.dataSource());
            }
        }
        out().flush();
        return SaesplitCommand.OK;
    }

    private void record(ExperimentSpec spec, String yaml, DataSource dataSource) {
        ExperimentStore.SubmitOutcome outcome = new ExperimentStore(dataSource).submit(spec, yaml, file.toString());
        String what = switch (outcome) {
            case CREATED -> "recorded";
            case UPDATED -> "updated";
            case UNCHANGED -> "already recorded, unchanged";
        };
        out().printf("experiment '%s' %s: %d run%s pending%n", spec.name(), what,
                spec.runs().size(), spec.runs().size() == 1 ? "" : "s");
        if (airflow != null) {
            new AirflowRunLinks(dataSource).link(spec.name(),
                    new AirflowRunLinks.Link(airflow.dagId, airflow.dagRunId, airflow.url));
        }
    }
}
