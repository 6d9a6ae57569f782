package dev.saesplit.cli;

import dev.saesplit.preflight.SpecArtifactsCheck;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Validates a spec and records the experiment and its run table as pending. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Validate a spec and record the experiment and its run table as pending.")
final class SubmitCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "FILE", description = "The experiment spec (YAML).")
    Path file;

    @Override
    public Integer call() throws SpecValidationException, IOException {
        // Before the database: an invalid spec writes nothing.
        ExperimentSpec spec = SpecParser.parse(file, new SpecArtifactsCheck());
        String yaml = Files.readString(file);
        try (Database database = saesplit.openDatabase()) {
            ExperimentStore.SubmitOutcome outcome = new ExperimentStore(database.dataSource())
                    .submit(spec, yaml, file.toString());
            String what = switch (outcome) {
                case CREATED -> "recorded";
                case UPDATED -> "updated";
                case UNCHANGED -> "already recorded, unchanged";
            };
            out().printf("experiment '%s' %s: %d run%s pending%n", spec.name(), what,
                    spec.runs().size(), spec.runs().size() == 1 ? "" : "s");
        }
        return SaesplitCommand.OK;
    }
}
