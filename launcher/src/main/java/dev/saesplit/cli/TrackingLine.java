package dev.saesplit.cli;

import dev.saesplit.track.SyncReport;

import java.util.Optional;

/** The line that tells a user where the tracked results are, or why they are not there yet. */
final class TrackingLine {

    private TrackingLine() {
    }

    static String describe(SyncReport report, Optional<String> experimentUrl) {
        if (report.pending() == 0) {
            return "MLflow: " + experimentUrl.orElse("(nothing tracked yet)");
        }
        return "MLflow: " + report.pending() + " tracking records wait in PostgreSQL"
                + report.unavailable().map(why -> " (" + why + ")").orElse("")
                + "; a running worker or 'saesplit sync' delivers them" + experimentUrl.map(u -> " to " + u).orElse("");
    }
}
