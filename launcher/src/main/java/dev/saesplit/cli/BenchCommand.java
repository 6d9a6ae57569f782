package dev.saesplit.cli;

import dev.saesplit.train.TrainingBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code saesplit bench}: measurements of this machine that tell whether training runs as fast as it can. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure how fast this machine trains SAEs.",
        subcommands = {BenchCommand.Train.class})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return CommandLine.ExitCode.USAGE;
    }

    /** {@code saesplit bench train}: GEMM rate, training tokens/s and the efficiency E relating them. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train a synthetic SAE with every trainer feature on and compare its speed with this "
                    + "machine's fp32 matrix-multiply rate.",
                    "E = tokens/s × 12·d_in·d_sae / GEMM rate; the device comes from -Dsaesplit.device or "
                            + "SAESPLIT_DEVICE (default cpu)."})
    public static final class Train implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--d-in", defaultValue = "512", description = "activation width (default: ${DEFAULT-VALUE})")
        int dIn;

        @Option(names = "--d-sae", defaultValue = "4096", description = "latents (default: ${DEFAULT-VALUE})")
        int dSae;

        @Option(names = "--batch", defaultValue = "4096", description = "tokens per step (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--steps", defaultValue = "20", description = "timed steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--warmup-steps", defaultValue = "3",
                description = "untimed steps first (default: ${DEFAULT-VALUE})")
        int warmupSteps;

        @Override
        public Integer call() {
            requirePositive("--d-in", dIn);
            requirePositive("--d-sae", dSae);
            requirePositive("--batch", batch);
            requirePositive("--steps", steps);
            if (warmupSteps < 0) {
                throw new ParameterException(spec.commandLine(), "--warmup-steps must be >= 0, was " + warmupSteps);
            }
            TrainingBenchmark.Result result = TrainingBenchmark.run(dIn, dSae, batch, steps, warmupSteps);
            spec.commandLine().getOut().println(result.describe());
            return CommandLine.ExitCode.OK;
        }

        private void requirePositive(String option, int value) {
            if (value < 1) {
                throw new ParameterException(spec.commandLine(), option + " must be positive, was " + value);
            }
        }
    }
}
