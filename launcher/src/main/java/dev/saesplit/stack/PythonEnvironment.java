package dev.saesplit.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The project's own Python environment ({@code .venv}), where the servers saesplit starts are installed from
 * PyPI by {@code infra/python-env.sh}.
 */
public final class PythonEnvironment {

    private final Path root;

    public PythonEnvironment(Path root) {
        this.root = root;
    }

    /**
     * The executable {@code name}: from {@code PATH} when {@code preferPath} and it is there, else from the
     * project's environment, which is created or updated first.
     */
    public Path executable(String name, boolean preferPath) {
        if (preferPath) {
            Optional<Path> onPath = onPath(name);
            if (onPath.isPresent()) {
                return onPath.get();
            }
        }
        ensureInstalled();
        Path inVenv = root.resolve(".venv/bin").resolve(name);
        if (!Files.isExecutable(inVenv)) {
            throw new IllegalStateException(inVenv + " is missing after installing infra/requirements.txt");
        }
        return inVenv;
    }

    private void ensureInstalled() {
        try {
            Process install = new ProcessBuilder("bash", root.resolve("infra/python-env.sh").toString())
                    .inheritIO().start();
            if (!install.waitFor(30, TimeUnit.MINUTES) || install.exitValue() != 0) {
                throw new IllegalStateException("infra/python-env.sh failed (exit " + install.exitValue()
                        + "); see its output above");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run infra/python-env.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the Python environment", e);
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
