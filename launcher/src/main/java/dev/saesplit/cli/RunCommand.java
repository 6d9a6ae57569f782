package dev.saesplit.cli;

import dev.saesplit.experiment.ExperimentResult;
import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.experiment.RunOutcome;
import dev.saesplit.pipeline.Failures;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.preflight.SpecArtifactsCheck;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.spec.Until;
import dev.saesplit.stack.Stack;
import dev.saesplit.stack.WorkflowWarmup;
import dev.saesplit.stack.TrainingSlots;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.RunTableFormatter;
import dev.saesplit.timing.ExperimentTimings;
import dev.saesplit.track.SyncReport;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Records an experiment, runs it through Temporal and follows it to the end. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run an experiment through Temporal, following it with live progress, and print its "
                + "run-configuration table.",
                "Launching an experiment that is already running attaches to it; re-running a finished one reuses "
                        + "every recorded output.",
                "With --until narrow, or a spec whose run table is empty, only the activations and the narrow SAE "
                        + "are produced: it prints where the SAE is and its most frequent latents, so target_latent "
                        + "can be chosen before the rows are trained."})
final class RunCommand extends SaesplitSubcommand {

    @picocli.CommandLine.Mixin
    DeviceOption device;

    /** How long the command waits for tracking data to reach MLflow before leaving it to the next sync. */
    private static final java.time.Duration TRACKING_DRAIN = java.time.Duration.ofSeconds(60);

    @Parameters(paramLabel = "FILE", description = "The experiment spec (YAML).")
    Path file;

    @Option(names = "--no-worker", description = "Do not run a worker in this process (workers run elsewhere).")
    boolean noWorker;

    @Option(names = "--max-concurrent", paramLabel = "N", description = "Trainings this process's worker runs at "
            + "once (as 'saesplit worker --max-concurrent'). Default: one on a GPU, one per 4 cores on a CPU.")
    Integer maxConcurrent;

    @Option(names = "--until", paramLabel = "STAGE", converter = UntilConverter.class,
            description = "Stop after this stage. 'narrow': cache the activations and train the narrow SAE, print "
                    + "where it is and its most frequent latents; target_latent may be left out.")
    Until until = Until.REPORT;

    @Override
    public Integer call() throws Exception {
        device.requireUsable();
        TrainingSlots training = trainingSlots();
        ExperimentSpec spec = SpecParser.parse(file, until, new SpecArtifactsCheck());
        String yaml = Files.readString(file);
        PrintWriter out = out();
        // The narrow stage alone runs under an id of its own: a full run never attaches to it, nor it to a full run.
        boolean narrowOnly = until == Until.NARROW || spec.stopsAtNarrow();
        ExperimentSpec launched = narrowOnly ? spec.withoutRuns() : spec;
        String workflowId = narrowOnly ? WorkflowIds.narrow(spec.name()) : WorkflowIds.experiment(spec.name());
        if (!noWorker) {
            WorkflowWarmup.start(launched);
        }
        try (Stack stack = saesplit.openStack()) {
            new ExperimentStore(stack.database().dataSource()).submit(spec, yaml, file.toString());
            // Launched before this process's worker starts: a launch that finds the workflow still running (a
            // cancellation requested but not yet delivered, say) attaches to it, and the worker then delivers it.
            // Started after, the worker could close it first and the launch would start the experiment afresh.
            ExperimentWorkflow workflow = ExperimentLaunch.start(stack.client(), workflowId, launched);
            if (!noWorker) {
                stack.startWorker(TaskQueues.all(), training);
            }
            out.printf("experiment '%s' running as workflow %s%s%n", spec.name(), workflowId,
                    stack.temporalUi().map(ui -> " (Temporal UI: " + ui + ")").orElse(""));
            out.flush();
            ExperimentResult result = follow(stack.client(), launched, workflowId, workflow, out);
            SyncReport tracked = stack.tracking().syncUntilDrained(TRACKING_DRAIN);
            out.println();
            if (narrowOnly) {
                NarrowSaeSummary.print(result.narrow(), stack.artifacts(), out);
                out.println(TrackingLine.describe(tracked, stack.tracking().experimentUrl(spec.name())));
                out.flush();
                return SaesplitCommand.OK;
            }
            ExperimentLines.target(stack.database().dataSource(), spec.name()).ifPresent(out::println);
            ExperimentLines.filter(stack.database().dataSource(), spec.name()).ifPresent(out::println);
            out.print(RunTableFormatter.format(spec.name(),
                    new ExperimentStore(stack.database().dataSource()).runTable(spec.name()),
                    RunTableFormatter.Format.MD));
            out.println();
            out.println(TrackingLine.describe(tracked, stack.tracking().experimentUrl(spec.name())));
            ExperimentLines.report(stack.database().dataSource(), spec.name()).ifPresent(out::println);
            printTimings(stack.client(), workflowId, spec, out);
            return report(result, out);
        }
    }

    private TrainingSlots trainingSlots() {
        try {
            return maxConcurrent == null ? TrainingSlots.forThisMachine() : TrainingSlots.onThisMachine(maxConcurrent);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
    }

    private ExperimentResult follow(WorkflowClient client, ExperimentSpec spec, String workflowId,
                                    ExperimentWorkflow workflow, PrintWriter out) throws InterruptedException {
        WorkflowStub stub = WorkflowStub.fromTyped(workflow);
        CompletableFuture<ExperimentResult> result = stub.getResultAsync(ExperimentResult.class);
        ProgressView view = new ProgressView(out, System.console() != null);
        while (true) {
            view.show(ProgressQueries.of(client, spec.name(), workflowId,
                    spec.runs().stream().map(RunSpec::id).toList()));
            try {
                return result.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException stillRunning) {
                // render again
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof WorkflowException w ? w : e.getCause();
                throw new ExperimentFailedException("experiment '" + spec.name() + "' failed: "
                        + Failures.rootMessage(cause), cause);
            }
        }
    }

    /** Wall time against compute per stage, from the workflows' histories; left out if they cannot be read. */
    private static void printTimings(WorkflowClient client, String workflowId, ExperimentSpec spec, PrintWriter out) {
        try {
            ExperimentTimings.read(client, workflowId, spec.runs().stream()
                            .map(row -> WorkflowIds.run(spec.name(), row.id())).toList())
                    .ifPresent(timings -> out.print("\n" + ExperimentTimings.format(timings)));
        } catch (RuntimeException historyUnavailable) {
            out.println("(stage timings unavailable: " + Failures.rootMessage(historyUnavailable) + ")");
        }
    }

    private static int report(ExperimentResult result, PrintWriter out) {
        for (RunOutcome run : result.runs()) {
            if (run.status() != RunStatus.SUCCEEDED) {
                out.printf("run %s %s: %s%n", run.runId(), run.status().specName(), run.failure());
            }
        }
        out.flush();
        return result.status() == RunStatus.SUCCEEDED ? SaesplitCommand.OK : SaesplitCommand.RUNTIME_FAILURE;
    }

    /** {@code --until}'s stage, by its lower-case name. */
    static final class UntilConverter implements CommandLine.ITypeConverter<Until> {
        @Override
        public Until convert(String value) {
            if (value.equals("narrow")) {
                return Until.NARROW;
            }
            throw new CommandLine.TypeConversionException("expected 'narrow' (the only stage a run can stop at), got '"
                    + value + "'");
        }
    }
}
