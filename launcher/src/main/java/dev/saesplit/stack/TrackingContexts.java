package dev.saesplit.stack;

import dev.saesplit.track.TrackingContext;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** The version and commit this process runs, for the tags of tracked runs and {@code --version}. */
public final class TrackingContexts {

    private TrackingContexts() {
    }

    static TrackingContext current() {
        return new TrackingContext(version(), gitCommit());
    }

    /** The version recorded in the jar's manifest at build time. */
    public static String version() {
        String version = TrackingContexts.class.getPackage().getImplementationVersion();
        return version == null ? "development build" : version;
    }

    private static String gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "-C", ProjectRoot.get().toString(), "rev-parse", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? out
                    : "unknown";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
