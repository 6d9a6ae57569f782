package dev.saesplit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --device cuda} is refused before any work where it cannot run, saying what to do. Each case runs the
 * command line in a JVM of its own: the option sets a process-wide property and loads the engine once.
 */
class DeviceOptionTest {

    @TempDir
    Path dir;

    @Test
    void cudaWithoutTheTorchEnvironmentIsAUsageErrorNamingTheInstallScript() throws Exception {
        CliRun run = fork(Map.of("SAESPLIT_TORCH_VENV", dir.resolve("no-venv").toString()),
                "bench", "train", "--device", "cuda");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("device cuda: the CUDA build of libtorch is not installed: run "
                + "infra/torch-env.sh"), run.err());
    }

    @Test
    void cudaWithALibtorchDirectoryHoldingNoneIsRefusedNamingTheDirectory() throws Exception {
        CliRun run = fork(Map.of("SAESPLIT_LIBTORCH", dir.toString()), "worker", "--device", "cuda");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains(dir + " (SAESPLIT_LIBTORCH) holds no libtorch.so"), run.err());
    }

    @Test
    void cudaAskedForThroughTheEnvironmentIsCheckedAsTheWorkerStarts() throws Exception {
        CliRun run = fork(Map.of("SAESPLIT_DEVICE", "cuda", "SAESPLIT_TORCH_VENV", dir.resolve("no-venv").toString()),
                "worker", "--queues", "gpu");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("the CUDA build of libtorch is not installed"), run.err());
    }

    @Test
    void anUnknownDeviceIsAUsageError() throws Exception {
        CliRun run = fork(Map.of(), "bench", "cache", "--device", "tpu");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("unknown device 'tpu'"), run.err());
    }

    private CliRun fork(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SaesplitCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(key -> key.startsWith("PYTORCH_") || key.startsWith("SAESPLIT_"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the command did not finish");
        return new CliRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
