package dev.saesplit.sae;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Python environment with the real SAELens, PyTorch and TransformerLens that the interop tests run, installed
 * once per machine by {@code infra/saelens-env.sh}. A test that needs it is skipped, saying why, only when it cannot
 * be installed.
 */
public final class SaeLensEnvironment {

    private SaeLensEnvironment() {
    }

    /** The environment's python, installing it first if needed; skips the calling test if that is impossible. */
    public static Path python() throws IOException, InterruptedException {
        Path installer = Path.of("..", "infra", "saelens-env.sh").toAbsolutePath().normalize();
        Process process = new ProcessBuilder("bash", installer.toString()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean finished = process.waitFor(30, TimeUnit.MINUTES);
        Assumptions.assumeTrue(finished && process.exitValue() == 0 && !out.isEmpty(),
                "SAELens could not be installed by " + installer + " (see its output above); test skipped");
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }

    /** Runs {@code script} with {@code args} in the environment; returns its output, failing if it fails. */
    public static String run(Path script, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 2];
        command[0] = python().toString();
        command[1] = script.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new AssertionError(script.getFileName() + " failed:\n" + output);
        }
        return output;
    }
}
