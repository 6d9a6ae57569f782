package dev.saesplit.lm.dataset;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The running Python interpreter's standard library sources: a real corpus of code, comments and docstrings that
 * every machine meeting saesplit's requirements holds. The interpreter is {@value #ENVIRONMENT} when set, else
 * {@code python3} on the {@code PATH}; its {@code sysconfig} names the folder.
 */
public final class PythonStdlib {

    public static final String ENVIRONMENT = "SAESPLIT_PYTHON";
    /**
     * Folders left out: installed packages differ between machines, and the test suites hold deliberately
     * malformed files (bad encodings, syntax errors) and a third of the bytes.
     */
    public static final Set<String> EXCLUDED_FOLDERS = Set.of("site-packages", "dist-packages", "test", "tests",
            "idle_test", "__pycache__");
    private static final String QUERY = "import sysconfig; print(sysconfig.get_paths()['stdlib'])";

    private PythonStdlib() {
    }

    /** The standard library's folder, asked of the interpreter. */
    public static Path locate() {
        String python = System.getenv().getOrDefault(ENVIRONMENT, "python3");
        try {
            Process process = new ProcessBuilder(python, "-c", QUERY).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new CorpusException("source", "python-stdlib: '" + python + "' could not name its standard "
                        + "library: " + output);
            }
            Path stdlib = Path.of(output);
            if (!Files.isDirectory(stdlib)) {
                throw new CorpusException("source", "python-stdlib: '" + python + "' names " + stdlib
                        + " as its standard library, which is not a folder");
            }
            return stdlib;
        } catch (IOException e) {
            throw new CorpusException("source", "python-stdlib needs a Python interpreter: '" + python
                    + "' cannot be run (" + e.getMessage() + "); install Python 3 or set " + ENVIRONMENT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Python for its standard library", e);
        }
    }
}
