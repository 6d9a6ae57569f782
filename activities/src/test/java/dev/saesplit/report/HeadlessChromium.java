package dev.saesplit.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium}, headless, to see a page as a person's browser does. Installed with apt when absent and
 * the tests run as root; otherwise a test that needs it fails saying how to install it, never skips silently.
 */
final class HeadlessChromium {

    private static final String BINARY = "chromium";
    private static final Path INSTALLED = Path.of("/usr/bin/" + BINARY);

    private HeadlessChromium() {
    }

    /** Ensures chromium is installed, installing it when we may. */
    static void require() throws IOException, InterruptedException {
        if (Files.isExecutable(INSTALLED)) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            run(List.of("apt-get", "update", "-qq"), 600);
            run(List.of("apt-get", "install", "-y", "-qq", BINARY), 900);
        }
        if (!Files.isExecutable(INSTALLED)) {
            throw new IllegalStateException("rendering tests need Debian's chromium at " + INSTALLED
                    + (root ? ", and 'apt-get install -y chromium' did not install it" : "; install it with "
                    + "'sudo apt-get install -y chromium' (the tests install it themselves only when run as root)"));
        }
    }

    /** The DOM of {@code page} after its scripts ran, as {@code --dump-dom} prints it. */
    static String dumpDom(Path page) throws IOException, InterruptedException {
        return run(command("--dump-dom", page), 120);
    }

    /** A screenshot of {@code page} at {@code width}×{@code height} into {@code png}. */
    static void screenshot(Path page, int width, int height, Path png) throws IOException, InterruptedException {
        List<String> command = command("--screenshot=" + png.toAbsolutePath(), page);
        command.add(command.size() - 1, "--window-size=" + width + "," + height);
        run(command, 120);
    }

    private static List<String> command(String action, Path page) {
        // --no-sandbox: the tests may run as root, where chromium's sandbox refuses to start.
        return new ArrayList<>(List.of(INSTALLED.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--hide-scrollbars", "--virtual-time-budget=5000", action, page.toUri().toString()));
    }

    private static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("chromium-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds
                        + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue()
                        + ": " + Files.readString(log));
            }
            return new String(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
