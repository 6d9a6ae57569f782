package dev.saesplit.cli;

import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.table.RunTableFormatter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


/** Prints an experiment's run-configuration table. */
@Command(name = "table", mixinStandardHelpOptions = true,
        description = "Print an experiment's run-configuration table in the seed study's column order.")
final class TableCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "EXPERIMENT", description = "The experiment's name.")
    String experiment;

    @Option(names = "--format", defaultValue = "md", converter = FormatConverter.class,
            description = "md (default), csv or json.")
    RunTableFormatter.Format format;

    @Override
    public Integer call() {
        try (Database database = saesplit.openDatabase()) {
            var rows = new ExperimentStore(database.dataSource()).runTable(experiment);
            if (format == RunTableFormatter.Format.MD) {
                ExperimentLines.target(database.dataSource(), experiment).ifPresent(out()::println);
            }
            out().print(RunTableFormatter.format(experiment, rows, format));
            out().flush();
        }
        return SaesplitCommand.OK;
    }

    /** Accepts md, csv, json in any case. */
    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<RunTableFormatter.Format> {
        @Override
        public RunTableFormatter.Format convert(String value) {
            try {
                return RunTableFormatter.Format.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected md, csv or json, got '" + value + "'");
            }
        }
    }
}
