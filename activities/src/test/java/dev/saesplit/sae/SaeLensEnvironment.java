package dev.saesplit.sae;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The Python environment with the real SAELens that interop tests run, installed once per machine. */
public final class SaeLensEnvironment {

    private SaeLensEnvironment() {
    }

    /** The environment's python, installing it first if needed; the calling test is skipped if that is impossible. */
    public static Path python() throws IOException, InterruptedException {
        Path installer = Path.of("..", "infra", "saelens-env.sh").toAbsolutePath().normalize();
        Process process = new ProcessBuilder("bash", installer.toString()).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean finished = process.waitFor(30, TimeUnit.MINUTES);
        Assumptions.assumeTrue(finished && process.exitValue() == 0 && !out.isEmpty(),
                "SAELens could not be installed by " + installer + " (see its output above); skipped");
        return Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
    }
}
