package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.artifact.StagedDirectory;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.random.SplitMix64;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeArchitectures;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Measures how close training comes to this machine's matrix-multiply speed. E = tokens/s × 12·d_in·d_sae /
 * GEMM rate counts a step as six [tokens×d_in]·[d_in×d_sae]-sized products; the dense step needs five, so
 * dense products alone read E ≤ 1.2, and only the sparse path (one dense product plus work on the firing
 * pairs) can go past that. The SAE first trains until its L0 settles; from that state two timed windows run,
 * one with the path chosen per step by density and one forced dense, so their ratio is measured on the same
 * weights, data and machine load.
 */
public final class TrainingBenchmark {

    private static final int GEMM_REPEATS = 10;
    /** Products queued per timing on an asynchronous device (a GPU), which is waited for once per timing. */
    private static final int DEVICE_PRODUCTS_PER_TIMING = 20;
    static final int POOL_BATCHES = 8;
    private static final int REPORT_EVERY = 5;
    /** L0 has settled when it moved less than this fraction over the last {@link #SETTLED_REPORTS} reports. */
    private static final double SETTLED_CHANGE = 0.05;
    private static final int SETTLED_REPORTS = 4;
    /** JumpReLU's L0 coefficient here and in the SAELens comparison: SAELens's default {@code l0_coefficient}. */
    public static final double L0_COEFFICIENT = 1.0;

    private TrainingBenchmark() {
    }

    /** What the SAE trains on: Gaussian noise, or a ground-truth feature hierarchy a trained SAE fires sparsely on. */
    public enum Data { GAUSSIAN, SYNTHETIC }

    /**
     * @param architecture      {@code relu} (the decoder-norm-weighted L1 penalty), {@code topk}, {@code batchtopk},
     *                          {@code matryoshka} (BatchTopK with groups at a quarter, half and all of d_sae) or
     *                          {@code jumprelu}
     * @param k                 active latents per token of the TopK variants (on average for the batch ones)
     * @param warmupSteps       untimed steps at least; more until L0 settles, at most {@code maxWarmupSteps}
     */
    public record Settings(int dIn, int dSae, int batchSize, int steps, int warmupSteps, int maxWarmupSteps,
                           Data data, String architecture, double k) {

        public static final List<String> ARCHITECTURES = List.of("relu", "topk", "batchtopk", "matryoshka",
                "jumprelu");

        public Settings {
            if (!ARCHITECTURES.contains(architecture)) {
                throw new IllegalArgumentException("architecture must be one of " + ARCHITECTURES + ", was '"
                        + architecture + "'");
            }
            saeArchitecture(architecture, k, dSae); // refuses a k the architecture cannot take
        }

        SaeArchitecture saeArchitecture() {
            return saeArchitecture(architecture, k, dSae);
        }

        private static SaeArchitecture saeArchitecture(String architecture, double k, int dSae) {
            return switch (architecture) {
                case "relu" -> SaeArchitectures.forTraining(StandardArchitecture.NAME, k, List.of());
                case "matryoshka" -> SaeArchitectures.forTraining(MatryoshkaBatchTopKArchitecture.NAME, k,
                        matryoshkaWidths(dSae));
                default -> SaeArchitectures.forTraining(architecture, k, List.of());
            };
        }

        /** A quarter, half and all of the latents, as distinct widths. */
        static List<Integer> matryoshkaWidths(int dSae) {
            return List.of(dSae / 4, dSae / 2, dSae).stream().filter(w -> w > 0).distinct().toList();
        }

        /** Whether the architecture can take the sparse step (all but Matryoshka can). */
        boolean sparseStepCovers() {
            return !architecture.equals("matryoshka");
        }

        String describeArchitecture() {
            return switch (architecture) {
                case "relu" -> "ReLU, decoder-norm-weighted L1";
                case "topk" -> "TopK k=" + (int) k;
                case "batchtopk" -> "BatchTopK k=" + k;
                case "matryoshka" -> "Matryoshka BatchTopK k=" + k + ", widths " + matryoshkaWidths(dSae);
                default -> "JumpReLU, step L0";
            };
        }
    }

    /** Another trainer timed on the same shape and rows, e.g. SAELens's {@code SAETrainer.step}. */
    public interface ReferenceTrainer {
        /** @param rows float32 {@code [tokens, d_in]}, the benchmark's batches in order */
        ReferenceResult measure(Path rows, Settings settings);
    }

    /** @param description what ran, for the report (e.g. versions) */
    public record ReferenceResult(double tokensPerSecond, double l0, String description) {
    }

    /**
     * One timed window of {@code steps} steps.
     *
     * @param sparseSteps       steps that took the sparse path
     * @param l0                mean active latents per token over the window's reports
     * @param memory            what the path's step needs in memory, measured over as many steps in a JVM of their
     *                          own; empty where the system does not report resident memory
     */
    public record Window(StepPath path, int steps, long sparseSteps, double l0, double tokensPerSecond,
                         double gemmGflops, double efficiency, Optional<StepMemoryProbe.StepMemory> memory) {
    }

    public record Result(Settings settings, String device, long warmupStepsRun, boolean settled, Window auto,
                         Window dense, double checkpointSeconds, Optional<ReferenceResult> reference,
                         String loadBefore, String loadAfter) {

        /** Parameters, Adam's two moments and one batch, in bytes. */
        public long stateBytes() {
            return TrainingBenchmark.stateBytes(settings);
        }

        public String describe() {
            return TrainingBenchmarkReport.describe(this);
        }
    }

    /** Parameters, Adam's two moments and one batch, in bytes. */
    static long stateBytes(Settings settings) {
        long parameters = 2L * settings.dIn() * settings.dSae() + settings.dSae() + settings.dIn();
        return 4 * (3 * parameters + (long) settings.batchSize() * settings.dIn());
    }

    public static Result run(Settings settings, Optional<ReferenceTrainer> reference) {
        String loadBefore = loadAverage();
        float[] rows = rows(settings);
        Path root = temporaryDirectory();
        try (SyntheticBatchStream data = new SyntheticBatchStream(settings.dIn(), settings.batchSize(), rows)) {
            TrainerConfig config = config(settings, StepPath.AUTO);
            SaeWeights initial = KaimingInitializer.initialize(SaeConfig.of(settings.dIn(), settings.dSae(),
                    settings.saeArchitecture(), "benchmark", "benchmark"), KaimingInitializer.DEFAULT_DECODER_NORM, 1);
            CheckpointStore store = CheckpointStore.at(root);
            MetricsWindow metrics = new MetricsWindow();
            CheckpointInfo settledState;
            long warmup;
            boolean settled;
            double checkpointSeconds;
            try (SaeTrainer trainer = SaeTrainer.start(config, initial, data, metrics, Optional.of(store))) {
                settled = warmUp(trainer, metrics, settings);
                warmup = trainer.step();
                long start = System.nanoTime();
                settledState = trainer.checkpointNow();
                checkpointSeconds = (System.nanoTime() - start) / 1e9;
            }
            double settledL0 = metrics.lastL0();
            Path rowsFile = writeRows(root, rows, settings);
            Window auto = timeWindow(settings, StepPath.AUTO, settledState, data, settledL0, rowsFile);
            Window dense = timeWindow(settings, StepPath.DENSE, settledState, data, settledL0, rowsFile);
            Optional<ReferenceResult> measured = reference.map(r -> r.measure(rowsFile, settings));
            return new Result(settings, ComputeDevice.describeSelected(), warmup, settled, auto, dense,
                    checkpointSeconds, measured, loadBefore, loadAverage());
        } finally {
            deleteQuietly(root);
        }
    }

    /**
     * Trains until L0 moved less than {@link #SETTLED_CHANGE} over the last {@link #SETTLED_REPORTS} report
     * intervals; false if it never did before the warm-up limit.
     */
    private static boolean warmUp(SaeTrainer trainer, MetricsWindow metrics, Settings settings) {
        List<Double> history = new ArrayList<>();
        while (trainer.step() < settings.maxWarmupSteps()) {
            trainer.runUntil(trainer.step() + REPORT_EVERY);
            history.add(metrics.lastL0());
            if (history.size() > SETTLED_REPORTS && trainer.step() >= settings.warmupSteps()) {
                double now = history.get(history.size() - 1);
                double before = history.get(history.size() - 1 - SETTLED_REPORTS);
                if (Math.abs(now - before) <= SETTLED_CHANGE * before) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @param settledL0 the L0 to report if no metrics report falls inside a short window */
    private static Window timeWindow(Settings settings, StepPath path, CheckpointInfo from,
                                     SyntheticBatchStream data, double settledL0, Path rowsFile) {
        MetricsWindow metrics = new MetricsWindow();
        try (SaeTrainer trainer = SaeTrainer.resume(config(settings, path), from, data, metrics, Optional.empty())) {
            trainer.runUntil(trainer.step() + 1); // first touch of every buffer, outside the timing
            double gemmBefore = measureGemmGflops(settings.batchSize(), settings.dIn(), settings.dSae());
            metrics.clear();
            long sparseBefore = trainer.sparseSteps();
            long start = System.nanoTime();
            trainer.runUntil(trainer.step() + settings.steps());
            double seconds = (System.nanoTime() - start) / 1e9;
            double gemm = (gemmBefore + measureGemmGflops(settings.batchSize(), settings.dIn(), settings.dSae())) / 2;
            double tokensPerSecond = (double) settings.steps() * settings.batchSize() / seconds;
            double efficiency = tokensPerSecond * 12.0 * settings.dIn() * settings.dSae() / (gemm * 1e9);
            double l0 = Double.isNaN(metrics.meanL0()) ? settledL0 : metrics.meanL0();
            return new Window(path, settings.steps(), trainer.sparseSteps() - sparseBefore, l0,
                    tokensPerSecond, gemm, efficiency, onHost()
                    ? StepMemoryProbe.measure(settings, path, from, rowsFile)
                    // The probe reads resident memory, which says nothing of a GPU's.
                    : Optional.empty());
        }
    }

    static TrainerConfig config(Settings settings, StepPath path) {
        long total = (long) settings.maxWarmupSteps() + REPORT_EVERY + 2L * (settings.steps() + 1);
        return TrainerConfig.builder(total)
                .learningRate(2e-3)
                .lrWarmupSteps(20)
                .l1WarmupSteps(20)
                .sparsityCoefficient(settings.architecture().equals("jumprelu") ? L0_COEFFICIENT : 2.0)
                .zeroTargetLatent(0)
                .logEvery(REPORT_EVERY)
                .deadLatents(DeadLatentPolicy.DEFAULTS.withWindowTokens(10L * settings.batchSize())
                        .withResampling(2 * REPORT_EVERY * 10))
                .stepPath(path)
                .build();
    }

    /**
     * The pool of batches: for {@link Data#SYNTHETIC} a hierarchy of d_sae features in superposition, about 24
     * firing per token, so an SAE of d_sae latents can learn them at a realistic L0.
     */
    private static float[] rows(Settings s) {
        int tokens = POOL_BATCHES * s.batchSize();
        if (s.data() == Data.GAUSSIAN) {
            float[] rows = new float[tokens * s.dIn()];
            SplitMix64 random = new SplitMix64(7);
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) random.nextGaussian();
            }
            return rows;
        }
        int features = s.dSae();
        int parents = Math.max(1, features / 64);
        return SyntheticHierarchy.activations(SyntheticHierarchyConfig.of(s.dIn(), features, parents, 4,
                24.0 / features, tokens, 7), tokens);
    }

    private static Path writeRows(Path root, float[] rows, Settings settings) {
        Path file = root.resolve("rows.npy");
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.FLOAT32, settings.dIn())) {
            writer.writeFloats(rows, 0, rows.length);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Median rate of a [batch×d_in]·[d_in×d_sae] fp32 product, output allocation included as DJL does it. */
    public static double measureGemmGflops(int batchSize, int dIn, int dSae) {
        // A GPU finishes one such product in a fraction of a millisecond, so a launch and a read-back per product
        // would weigh on the rate: there each timing queues several products and waits once.
        int productsPerTiming = onHost() ? 1 : DEVICE_PRODUCTS_PER_TIMING;
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected())) {
            NDArray left = manager.randomNormal(new Shape(batchSize, dIn));
            NDArray right = manager.randomNormal(new Shape(dIn, dSae));
            double[] seconds = new double[GEMM_REPEATS];
            for (int i = -3; i < GEMM_REPEATS; i++) {
                try (NDScope ignored = new NDScope()) {
                    long start = System.nanoTime();
                    NDArray product = null;
                    for (int p = 0; p < productsPerTiming; p++) {
                        product = left.matMul(right);
                    }
                    product.getFloat(0, 0); // waits for asynchronous devices
                    if (i >= 0) {
                        seconds[i] = (System.nanoTime() - start) / 1e9 / productsPerTiming;
                    }
                }
            }
            Arrays.sort(seconds);
            return 2.0 * batchSize * dIn * dSae / seconds[GEMM_REPEATS / 2] / 1e9;
        }
    }

    private static boolean onHost() {
        return ComputeDevice.selected().getDeviceType().equals(ai.djl.Device.Type.CPU);
    }

    /** The 1-, 5- and 15-minute load averages, where the system reports them. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
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
            StagedDirectory.deleteTree(root);
        } catch (IOException e) {
            System.err.println("could not remove benchmark files in " + root + ": " + e.getMessage());
        }
    }

    /** L0 as the trainer reports it. */
    private static final class MetricsWindow implements TrainingListener {
        private double sum;
        private int count;
        private double last = Double.NaN;

        @Override
        public void onMetrics(TrainingMetrics metrics) {
            sum += metrics.l0();
            count++;
            last = metrics.l0();
        }

        void clear() {
            sum = 0;
            count = 0;
        }

        double lastL0() {
            return last;
        }

        double meanL0() {
            return count == 0 ? Double.NaN : sum / count;
        }
    }
}
