package dev.saesplit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A program a benchmark runs (a script in the SAELens environment, its installer), its last output line kept. */
public final class ExternalCommand {

    private ExternalCommand() {
    }

    /**
     * Runs {@code command} and returns the last line of its standard output. Its error output is quoted, with the
     * command, in the exception when it fails or outlives {@code timeout} (then it is killed).
     */
    public static String lastLine(List<String> command, Duration timeout) {
        return run(command, timeout, false);
    }

    /**
     * As {@link #lastLine}, its error output shown as it comes (an installer's progress) rather than kept for the
     * exception.
     */
    public static String lastLineShowingErrors(List<String> command, Duration timeout) {
        return run(command, timeout, true);
    }

    private static String run(List<String> command, Duration timeout, boolean showErrors) {
        Path output = null;
        Path errors = null;
        try {
            output = Files.createTempFile("saesplit-command-", ".out");
            errors = Files.createTempFile("saesplit-command-", ".err");
            Process process = new ProcessBuilder(command).redirectOutput(output.toFile())
                    .redirectError(showErrors ? ProcessBuilder.Redirect.INHERIT
                            : ProcessBuilder.Redirect.to(errors.toFile())).start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + (finished ? " failed (exit "
                        + process.exitValue() + ")" : " ran past " + timeout.toMinutes() + " min")
                        + (showErrors ? "; see its output above" : "; its error output:\n"
                        + tail(Files.readString(errors))));
            }
            return Files.readString(output, StandardCharsets.UTF_8).lines().reduce((first, second) -> second)
                    .orElse("");
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        } finally {
            for (Path file : new Path[] {output, errors}) {
                if (file != null) {
                    file.toFile().delete();
                }
            }
        }
    }

    private static String tail(String text) {
        int keep = 4000;
        return text.length() <= keep ? text : "..." + text.substring(text.length() - keep);
    }
}
