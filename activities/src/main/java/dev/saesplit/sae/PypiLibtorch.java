package dev.saesplit.sae;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The CUDA build of libtorch that {@code --device cuda} runs on: Maven Central carries only the CPU build, so
 * {@code infra/torch-env.sh} installs PyPI's torch wheel (whose {@code torch/lib} is libtorch with CUDA) outside
 * the clone, and DJL is pointed at that directory before its engine loads ({@code PYTORCH_LIBRARY_PATH}, with the
 * version and flavour of the JNI library in the pytorch-jni jar). Settings already made in the environment or as
 * system properties are left alone.
 */
public final class PypiLibtorch {

    /** System property naming the libtorch directory; the environment variable {@value #ENVIRONMENT} as well. */
    public static final String PROPERTY = "saesplit.libtorch";
    public static final String ENVIRONMENT = "SAESPLIT_LIBTORCH";
    /** The libtorch version pytorch-jni 2.7.1-0.35.1 was built against, and the torch wheel the script pins. */
    public static final String VERSION = "2.7.1";
    /** The CUDA flavour whose JNI library the pytorch-jni jar carries (its C++ API is the same for cu126). */
    public static final String CUDA_FLAVOR = "cu128";
    private static final String INSTALL_HINT = "run infra/torch-env.sh (installs PyPI's torch " + VERSION
            + " into ~/.cache/saesplit/torch-venv) or set " + ENVIRONMENT + " to a torch/lib directory";

    private PypiLibtorch() {
    }

    /**
     * Points DJL at the PyPI libtorch with the {@code flavor} JNI library ({@value #CUDA_FLAVOR}, or {@code cpu} to
     * run that libtorch on the CPU); returns the directory. Fails naming the fix when none is installed.
     */
    public static Path use(String flavor) {
        Path dir = locate().orElseThrow(() -> new IllegalStateException(
                "the CUDA build of libtorch is not installed: " + INSTALL_HINT));
        requireVersion(dir);
        setIfAbsent("PYTORCH_LIBRARY_PATH", dir.toString());
        setIfAbsent("PYTORCH_VERSION", VERSION);
        setIfAbsent("PYTORCH_FLAVOR", flavor);
        return dir;
    }

    /** Whether a libtorch directory is named by property or environment: then the CPU uses it too. */
    public static boolean named() {
        return System.getProperty(PROPERTY) != null || System.getenv(ENVIRONMENT) != null;
    }

    /**
     * The libtorch directory: {@value #PROPERTY}, {@value #ENVIRONMENT}, or where {@code infra/torch-env.sh}
     * installs it ({@code $SAESPLIT_TORCH_VENV}, else {@code ~/.cache/saesplit/torch-venv}).
     */
    public static Optional<Path> locate() {
        Optional<String> explicit = Optional.ofNullable(System.getProperty(PROPERTY))
                .or(() -> Optional.ofNullable(System.getenv(ENVIRONMENT)));
        if (explicit.isPresent()) {
            Path dir = Path.of(explicit.get());
            if (!Files.isRegularFile(dir.resolve("libtorch.so"))) {
                throw new IllegalStateException(dir + " (" + ENVIRONMENT + ") holds no libtorch.so; " + INSTALL_HINT);
            }
            return Optional.of(dir);
        }
        Path venv = Optional.ofNullable(System.getenv("SAESPLIT_TORCH_VENV")).map(Path::of)
                .orElseGet(() -> Optional.ofNullable(System.getenv("XDG_CACHE_HOME")).map(Path::of)
                        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache"))
                        .resolve("saesplit/torch-venv"));
        Path lib = venv.resolve("lib");
        if (!Files.isDirectory(lib)) {
            return Optional.empty();
        }
        try (Stream<Path> pythons = Files.list(lib)) {
            List<Path> found = pythons.map(python -> python.resolve("site-packages/torch/lib"))
                    .filter(dir -> Files.isRegularFile(dir.resolve("libtorch.so")))
                    .sorted(Comparator.reverseOrder()).toList();
            return found.stream().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + lib, e);
        }
    }

    /** The wheel records its version beside its lib directory ({@code torch/version.py}); another would not load. */
    private static void requireVersion(Path dir) {
        Path versionFile = dir.resolveSibling("version.py");
        if (!Files.isRegularFile(versionFile)) {
            return; // a libtorch unpacked from elsewhere: DJL checks what it can when loading
        }
        try {
            String text = Files.readString(versionFile);
            if (!text.contains("__version__ = '" + VERSION)) {
                throw new IllegalStateException(versionFile + " is not torch " + VERSION
                        + " (the version DJL's PyTorch engine is built against); " + INSTALL_HINT);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + versionFile, e);
        }
    }

    private static Optional<String> setting(String name) {
        return Optional.ofNullable(System.getenv(name)).or(() -> Optional.ofNullable(System.getProperty(name)));
    }

    /** DJL reads each of these from the environment first, then from system properties. */
    private static void setIfAbsent(String name, String value) {
        if (setting(name).isEmpty()) {
            System.setProperty(name, value);
        }
    }
}
