package dev.saesplit.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The saesplit checkout this program runs from: where {@code infra/} and the project's Python environment
 * live. The launcher script passes it as {@code -Dsaesplit.root}; otherwise the working directory.
 */
public final class ProjectRoot {

    private ProjectRoot() {
    }

    public static Path get() {
        String configured = System.getProperty("saesplit.root");
        Path root = Path.of(configured == null ? "." : configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("infra/python-env.sh"))) {
            throw new IllegalStateException("cannot find saesplit's infra/ under " + root
                    + "; run saesplit through the ./saesplit script of its checkout");
        }
        return root;
    }
}
