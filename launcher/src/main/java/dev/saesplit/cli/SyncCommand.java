package dev.saesplit.cli;

import dev.saesplit.stack.Stack;
import dev.saesplit.track.SyncReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

/** Delivers tracking data waiting in PostgreSQL to MLflow. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Deliver the tracking data waiting in PostgreSQL (params, metrics, artifacts, run states) to "
                + "MLflow, as workers do in the background.")
final class SyncCommand extends SaesplitSubcommand {

    @Option(names = "--timeout", defaultValue = "60", description = "Seconds to keep trying (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Override
    public Integer call() {
        try (Stack stack = saesplit.openStack()) {
            SyncReport report = stack.tracking().syncUntilDrained(Duration.ofSeconds(timeoutSeconds));
            out().printf("delivered %d tracking records; %d wait%n", report.delivered(),
                    report.pending());
            report.unavailable().ifPresent(why -> out().println("MLflow: " + why));
            return report.pending() == 0 ? SaesplitCommand.OK : SaesplitCommand.RUNTIME_FAILURE;
        }
    }
}
