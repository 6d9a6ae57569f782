package dev.saesplit.train;

import dev.saesplit.sae.PypiLibtorch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The libtorch of PyPI's torch wheel, which {@code --device cuda} runs on, loaded by DJL in a JVM of its own and
 * training on the CPU: the same steps give the same weights, bit for bit, as the Maven Central libtorch the build
 * uses by default. Runs where {@code infra/torch-env.sh} has installed the wheel (5.1 GB, about two minutes); with
 * {@code -Dsaesplit.test.torchEnv=install} it installs it first.
 */
class PypiLibtorchTrainingTest {

    private static final String INSTALL = "saesplit.test.torchEnv";

    @TempDir
    Path dir;

    @Test
    void trainingThroughPypisLibtorchOnTheCpuGivesTheMavenLibtorchsWeightsBitForBit() throws Exception {
        if ("install".equals(System.getProperty(INSTALL))) {
            install();
        }
        Optional<Path> pypi = PypiLibtorch.locate();
        assumeTrue(pypi.isPresent(), "PyPI's libtorch is not installed: run infra/torch-env.sh, or pass -D"
                + INSTALL + "=install");

        Run maven = train("maven", Map.of());
        Run wheel = train("pypi", Map.of("SAESPLIT_LIBTORCH", pypi.get().toString(), "PYTORCH_FLAVOR", "cpu"));

        assertTrue(maven.libtorch().contains(".djl.ai"), maven.libtorch());
        assertEquals(pypi.get().toString(), wheel.libtorch(), "the forked JVM loaded the wheel's libtorch");
        assertArrayEquals(maven.weights(), wheel.weights(), "final weights after " + LibtorchTrainingRun.STEPS
                + " dense steps");
    }

    private record Run(String libtorch, byte[] weights) {
    }

    private Run train(String name, Map<String, String> environment) throws IOException, InterruptedException {
        Path weights = dir.resolve(name + ".weights");
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path")));
        // The wheel's libtorch is chosen through the same property --device cuda uses; the flavour picks the JNI.
        if (environment.containsKey("SAESPLIT_LIBTORCH")) {
            command.add("-D" + PypiLibtorch.PROPERTY + "=" + environment.get("SAESPLIT_LIBTORCH"));
        }
        command.addAll(List.of(LibtorchTrainingRun.class.getName(), weights.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PYTORCH_") || key.startsWith("SAESPLIT_"));
        builder.environment().put("OMP_NUM_THREADS", "2");
        builder.environment().put("OMP_DYNAMIC", "FALSE");
        builder.environment().put("MKL_DYNAMIC", "FALSE");
        if (environment.containsKey("PYTORCH_FLAVOR")) {
            builder.environment().put("PYTORCH_FLAVOR", environment.get("PYTORCH_FLAVOR"));
        }
        Process process = builder.start();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), name + " training did not finish");
        String output = Files.readString(log);
        assertEquals(0, process.exitValue(), output);
        String libtorch = output.lines().filter(line -> line.startsWith("libtorch ")).findFirst()
                .map(line -> line.substring("libtorch ".length())).orElse(output);
        return new Run(libtorch, Files.readAllBytes(weights));
    }

    private static void install() throws IOException, InterruptedException {
        Path script = Path.of(System.getProperty("saesplit.root", "..")).resolve("infra/torch-env.sh");
        Process process = new ProcessBuilder("bash", script.toString()).inheritIO().start();
        assertEquals(0, process.waitFor(), "infra/torch-env.sh failed");
    }
}
