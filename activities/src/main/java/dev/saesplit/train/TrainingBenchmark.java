package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.init.KaimingInitializer;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Measures how close training comes to this machine's matrix-multiply speed. E = tokens/s × 12·d_in·d_sae /
 * GEMM rate counts a step as six [tokens×d_in]·[d_in×d_sae]-sized products; the hand-derived step needs five
 * (two forward, three backward, no input gradient), so a step made of nothing but those products at the
 * measured rate would read E = 1.2.
 */
public final class TrainingBenchmark {

    private static final int GEMM_REPEATS = 10;
    /** Share of latents started silent, so the resampling round in the timed window does real work. */
    private static final int SILENCED_LATENT_DIVISOR = 16;

    private TrainingBenchmark() {
    }

    /**
     * @param gemmGflops        mean of the GEMM rates measured just before and just after training
     * @param tokensPerSecond   training throughput with every feature of the trainer switched on
     * @param efficiency        E as defined above
     * @param checkpointSeconds time to write one checkpoint (measured after the timed steps)
     */
    public record Result(int dIn, int dSae, int batchSize, int steps, String device, double gemmGflopsBefore,
                         double gemmGflopsAfter, double gemmGflops, double tokensPerSecond, double efficiency,
                         double checkpointSeconds) {

        public String describe() {
            return String.format("""
                    device            %s
                    shape             d_in=%d d_sae=%d batch=%d, %d timed steps
                    fp32 GEMM rate    %.1f GFLOP/s  ([%d×%d]·[%d×%d] on DJL; %.1f before, %.1f after training)
                    training          %.0f tokens/s  (%.1f ms/step)
                                      Adam, LR warm-up and decay, λ warm-up, gradient clipping, decoder-norm-
                                      weighted L1, zero-target, dead-latent tracking with one resampling round,
                                      metrics every 5 steps
                    efficiency E      %.2f  (tokens/s × 12·d_in·d_sae / GEMM rate; 1.2 = five products, no overhead)
                    checkpoint write  %.0f ms (not in the timed steps)""",
                    device, dIn, dSae, batchSize, steps, gemmGflops, batchSize, dIn, dIn, dSae, gemmGflopsBefore,
                    gemmGflopsAfter, tokensPerSecond, 1000.0 * batchSize / tokensPerSecond, efficiency,
                    1000 * checkpointSeconds);
        }
    }

    public static Result run(int dIn, int dSae, int batchSize, int steps, int warmupSteps) {
        int total = warmupSteps + steps;
        TrainerConfig config = TrainerConfig.builder(total)
                .lrWarmupSteps(Math.max(1, total / 4))
                .l1WarmupSteps(Math.max(1, total / 4))
                .zeroTargetLatent(0)
                .logEvery(5)
                .deadLatents(DeadLatentPolicy.DEFAULTS.withWindowTokens(2L * batchSize)
                        .withResampling(warmupSteps + Math.max(1, steps / 2)))
                .build();
        SaeWeights initial = withSilencedLatents(KaimingInitializer.initialize(
                SaeConfig.of(dIn, dSae, new StandardArchitecture(), "benchmark", "benchmark"),
                KaimingInitializer.DEFAULT_DECODER_NORM, 1));
        Path checkpointRoot = temporaryDirectory();
        try (SyntheticBatchStream data = new SyntheticBatchStream(dIn, batchSize, 4, 7);
             SaeTrainer trainer = SaeTrainer.start(config, initial, data, TrainingListener.NONE,
                     Optional.of(CheckpointStore.at(checkpointRoot)))) {
            trainer.runUntil(warmupSteps);
            double gemmBefore = measureGemmGflops(batchSize, dIn, dSae);
            long start = System.nanoTime();
            trainer.runUntil(total);
            double seconds = (System.nanoTime() - start) / 1e9;
            double gemmAfter = measureGemmGflops(batchSize, dIn, dSae);
            long checkpointStart = System.nanoTime();
            trainer.checkpointNow();
            double checkpointSeconds = (System.nanoTime() - checkpointStart) / 1e9;

            double gemm = (gemmBefore + gemmAfter) / 2;
            double tokensPerSecond = (double) steps * batchSize / seconds;
            double efficiency = tokensPerSecond * 12.0 * dIn * dSae / (gemm * 1e9);
            return new Result(dIn, dSae, batchSize, steps, ComputeDevice.selected().toString(), gemmBefore,
                    gemmAfter, gemm, tokensPerSecond, efficiency, checkpointSeconds);
        } finally {
            deleteQuietly(checkpointRoot);
        }
    }

    /** Median rate of a [batch×d_in]·[d_in×d_sae] fp32 product, output allocation included as DJL does it. */
    public static double measureGemmGflops(int batchSize, int dIn, int dSae) {
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected())) {
            NDArray left = manager.randomNormal(new Shape(batchSize, dIn));
            NDArray right = manager.randomNormal(new Shape(dIn, dSae));
            double[] seconds = new double[GEMM_REPEATS];
            for (int i = -3; i < GEMM_REPEATS; i++) {
                try (NDScope ignored = new NDScope()) {
                    long start = System.nanoTime();
                    NDArray product = left.matMul(right);
                    product.getFloat(0, 0); // waits for asynchronous devices
                    if (i >= 0) {
                        seconds[i] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
            Arrays.sort(seconds);
            return 2.0 * batchSize * dIn * dSae / seconds[GEMM_REPEATS / 2] / 1e9;
        }
    }

    private static SaeWeights withSilencedLatents(SaeWeights weights) {
        float[] bias = weights.encoderBias();
        Arrays.fill(bias, 0, weights.dSae() / SILENCED_LATENT_DIVISOR, -100f);
        return new SaeWeights(weights.config(), weights.encoderWeights(), bias, weights.decoderWeights(),
                weights.decoderBias());
    }

    /** A fresh directory for a benchmark's files. */
    public static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("sae-benchmark-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a benchmark's files, reporting (not failing) when it cannot. */
    public static void deleteQuietly(Path root) {
        try {
            CheckpointStore.deleteRecursively(root);
        } catch (IOException e) {
            System.err.println("could not remove benchmark checkpoints in " + root + ": " + e.getMessage());
        }
    }

    /** {@code TrainingBenchmark [d_in d_sae batch steps]}. */
    public static void main(String[] args) {
        int dIn = args.length > 0 ? Integer.parseInt(args[0]) : 512;
        int dSae = args.length > 1 ? Integer.parseInt(args[1]) : 4096;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        System.out.println(run(dIn, dSae, batch, steps, 3).describe());
    }
}
