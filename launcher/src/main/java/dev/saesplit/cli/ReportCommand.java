package dev.saesplit.cli;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.store.Database;
import dev.saesplit.track.ReportPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** Writes a recorded experiment's report again from PostgreSQL and the artifact store. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write (or rewrite) a recorded experiment's report.html from PostgreSQL and the artifact "
                + "store, queue it for MLflow, and print its path.",
                "Needs no Temporal server: the experiment must have reached its report stage once."})
final class ReportCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "EXPERIMENT", description = "The experiment's name.")
    String experiment;

    @Override
    public Integer call() {
        try (Database database = saesplit.openDatabase()) {
            ArtifactStore store = saesplit.openArtifacts(database);
            Path page = new ReportPublisher(store, database.dataSource()).republish(experiment);
            out().println(page);
            out().flush();
        }
        return SaesplitCommand.OK;
    }
}
