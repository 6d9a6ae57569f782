package dev.saesplit.cli;

import dev.saesplit.artifact.ArtifactCheck;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.store.Database;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

/**
 * Re-hashes recorded artifacts in full. Reuse checks only a cheap fingerprint (sizes and small files), so a
 * flipped bit inside a large weights or activation file shows up here and nowhere else.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Recompute the content hash of every recorded artifact (or only those an experiment "
                + "produced) and compare it with the one recorded when it was written.",
                "Prints each mismatch and exits 1 if there is any. Reads every byte; needs no Temporal server."})
final class VerifyCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "EXPERIMENT", arity = "0..1",
            description = "Only the artifacts this experiment produced; all of them when absent.")
    String experiment;

    @Override
    public Integer call() {
        try (Database database = saesplit.openDatabase()) {
            ArtifactStore store = saesplit.openArtifacts(database);
            List<ArtifactCheck> checks = store.verify(Optional.ofNullable(experiment));
            PrintWriter out = out();
            List<ArtifactCheck> failed = checks.stream().filter(c -> !c.ok()).toList();
            for (ArtifactCheck check : failed) {
                out.println(check.status() + " " + check.artifact().kind() + "/" + check.artifact().key() + " "
                        + check.directory() + ": " + check.detail());
            }
            out.println(checks.size() + " artifact(s) checked, " + failed.size() + " failed");
            out.flush();
            return failed.isEmpty() ? SaesplitCommand.OK : SaesplitCommand.RUNTIME_FAILURE;
        }
    }
}
