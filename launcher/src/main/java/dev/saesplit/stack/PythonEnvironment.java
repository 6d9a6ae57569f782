package dev.saesplit.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's own Python environments, where the servers saesplit starts are installed from PyPI by
 * {@code infra/python-env.sh}: {@code .venv} (Temporal CLI, MLflow), or {@code .venv-NAME} for an optional server
 * with requirements of its own ({@code infra/NAME-requirements.txt}, e.g. Airflow).
 */
public final class PythonEnvironment {

    private final Path root;
    private final String name;

    public PythonEnvironment(Path root) {
        this(root, "");
    }

    private PythonEnvironment(Path root, String name) {
        this.root = root;
        this.name = name;
    }

    /** The environment of {@code infra/NAME-requirements.txt}. */
    public static PythonEnvironment named(Path root, String name) {
        return new PythonEnvironment(root, name);
    }

    /** The environment's {@code bin} directory, created or updated first. */
    public Path binDirectory() {
        ensureInstalled();
        return bin();
    }

    private Path bin() {
        return root.resolve((name.isEmpty() ? ".venv" : ".venv-" + name) + "/bin");
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
        Path inVenv = bin().resolve(name);
        if (!Files.isExecutable(inVenv)) {
            throw new IllegalStateException(inVenv + " is missing after installing " + requirements());
        }
        return inVenv;
    }

    private void ensureInstalled() {
        try {
            List<String> command = new ArrayList<>(List.of("bash", root.resolve("infra/python-env.sh").toString()));
            if (!this.name.isEmpty()) {
                command.add(this.name);
            }
            // Its progress goes to standard error: standard output may be a command's machine-readable answer.
            Process install = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            if (!install.waitFor(30, TimeUnit.MINUTES) || install.exitValue() != 0) {
                throw new IllegalStateException("infra/python-env.sh failed to install " + requirements() + " (exit "
                        + install.exitValue() + "); see its output above");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run infra/python-env.sh: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing the Python environment", e);
        }
    }

    private String requirements() {
        return "infra/" + (name.isEmpty() ? "" : name + "-") + "requirements.txt";
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
