package dev.saesplit.cli;

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

    @picocli.CommandLine.Option(names = "--format", defaultValue = "text", description = "text (default), or json: "
            + "one experiment's workflow state as one JSON object, for schedulers that poll it.")
    String format;

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (!format.equals("text") && !(format.equals("json") && experiment != null)) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(),
                    "--format is text, or json with an EXPERIMENT; got '" + format + "'");
        }
        try (Stack stack = saesplit.openStack()) {
            if (format.equals("json")) {
                out.println(ExperimentState.json(stack.client(), experiment));
                out.flush();
                return SaesplitCommand.OK;
            }
            ExperimentStore store = new ExperimentStore(stack.database().dataSource());
            if (experiment == null) {
                for (ExperimentSummary e : store.experiments()) {
                    out.printf("%-24s %-10s %3d runs%n", e.name(), e.status().specName(), e.runs());
                }
            } else {
                List<RunTableRow> rows = store.runTable(experiment);
                new ProgressView(out, false).show(ProgressQueries.of(stack.client(), experiment,
                        RunningWorkflows.of(stack.client(), experiment), rows.stream().map(RunTableRow::runId).toList()));
                out.println();
                ExperimentLines.target(stack.database().dataSource(), experiment).ifPresent(out::println);
                ExperimentLines.filter(stack.database().dataSource(), experiment).ifPresent(out::println);
                out.print(RunTableFormatter.format(experiment, rows, RunTableFormatter.Format.MD));
                ExperimentLines.report(stack.database().dataSource(), experiment).ifPresent(out::println);
            }
            out.flush();
        }
        return SaesplitCommand.OK;
    }
}
