package dev.saesplit.cli;

import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.run.SplitRunWorkflow;
import dev.saesplit.stack.Stack;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.ExperimentSummary;
import dev.saesplit.table.RunTableFormatter;
import dev.saesplit.table.RunTableRow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** Shows experiments, or one experiment's live progress and run table. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show every experiment's state, or one experiment's live progress and run table.")
final class StatusCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "EXPERIMENT", arity = "0..1")
    String experiment;

    @Override
    public Integer call() {
        PrintWriter out = out();
        try (Stack stack = saesplit.openStack()) {
            ExperimentStore store = new ExperimentStore(stack.database().dataSource());
            if (experiment == null) {
                for (ExperimentSummary e : store.experiments()) {
                    out.printf("%-24s %-10s %3d runs%n", e.name(), e.status().specName(), e.runs());
                }
            } else {
                List<RunTableRow> rows = store.runTable(experiment);
                ProgressView live = new ProgressView(out, false);
                var lines = new java.util.LinkedHashMap<String, dev.saesplit.pipeline.StageProgress>();
                queryInto(lines, "experiment", () -> stack.client().newWorkflowStub(ExperimentWorkflow.class,
                        WorkflowIds.experiment(experiment)).progress());
                for (RunTableRow row : rows) {
                    queryInto(lines, "run " + row.runId(), () -> stack.client().newWorkflowStub(SplitRunWorkflow.class,
                            WorkflowIds.run(experiment, row.runId())).progress());
                }
                live.show(lines);
                out.println();
                out.print(RunTableFormatter.format(experiment, rows, RunTableFormatter.Format.MD));
            }
            out.flush();
        }
        return SaesplitCommand.OK;
    }

    private static void queryInto(java.util.Map<String, dev.saesplit.pipeline.StageProgress> lines, String label,
                                  java.util.function.Supplier<dev.saesplit.pipeline.StageProgress> query) {
        try {
            lines.put(label, query.get());
        } catch (RuntimeException notStarted) {
            // no execution yet: nothing live to show for it
        }
    }
}
