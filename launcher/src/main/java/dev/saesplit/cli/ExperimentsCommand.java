package dev.saesplit.cli;

import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.ExperimentSummary;
import dev.saesplit.table.RunStatus;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Lists submitted experiments. */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "List submitted experiments.")
final class ExperimentsCommand extends SaesplitSubcommand {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Override
    public Integer call() {
        try (Database database = saesplit.openDatabase()) {
            List<ExperimentSummary> experiments = new ExperimentStore(database.dataSource()).experiments();
            PrintWriter out = out();
            if (experiments.isEmpty()) {
                out.println("no experiments yet; 'saesplit submit FILE' records one");
            }
            for (ExperimentSummary e : experiments) {
                out.printf("%-24s %-10s %3d runs (%s)  submitted %s%n", e.name(), e.status().specName(), e.runs(),
                        counts(e.byStatus()), e.createdAt().format(WHEN));
            }
            out.flush();
        }
        return SaesplitCommand.OK;
    }

    private static String counts(Map<RunStatus, Integer> byStatus) {
        return byStatus.entrySet().stream().map(c -> c.getValue() + " " + c.getKey().specName())
                .collect(Collectors.joining(", "));
    }
}
