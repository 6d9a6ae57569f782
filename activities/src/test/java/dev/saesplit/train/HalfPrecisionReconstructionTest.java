package dev.saesplit.train;

import dev.saesplit.data.BatchStream;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.ActivationCacheWriter;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.CacheDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a half-precision cache costs in reconstruction: the same activations written as float32, float16 and
 * bfloat16 caches and read back; one SAE trained on the float32 cache evaluated on each copy of the held-out rows,
 * and SAEs trained on each copy evaluated on the float32 held-out rows. Prints the table docs/tokens.md quotes.
 * {@code -Dsaesplit.test.thorough=true} trains a wider SAE longer on more rows (the figures in docs/tokens.md).
 */
class HalfPrecisionReconstructionTest {

    private static final boolean THOROUGH = Boolean.getBoolean("saesplit.test.thorough");
    private static final int D_IN = 64;
    private static final int D_SAE = THOROUGH ? 512 : 256;
    private static final int BATCH = 1024;
    private static final int TRAIN_ROWS = THOROUGH ? 16384 : 8192;
    private static final int HELD_OUT_ROWS = THOROUGH ? 4096 : 2048;
    private static final int STEPS = THOROUGH ? 800 : 150;
    private static final double SPARSITY = 1;

    @TempDir
    Path dir;

    @Test
    void anSaeReconstructsHalfPrecisionCopiesOfItsActivationsAlmostAsWellAsFloat32() throws IOException {
        PlantedSparseData data = new PlantedSparseData(D_IN, 256, TRAIN_ROWS + HELD_OUT_ROWS, 0.03, 5);
        Map<CacheDtype, float[]> train = new EnumMap<>(CacheDtype.class);
        Map<CacheDtype, float[]> heldOut = new EnumMap<>(CacheDtype.class);
        for (CacheDtype dtype : CacheDtype.values()) {
            float[] rows = throughCache(dtype, data.rows);
            train.put(dtype, java.util.Arrays.copyOfRange(rows, 0, TRAIN_ROWS * D_IN));
            heldOut.put(dtype, java.util.Arrays.copyOfRange(rows, TRAIN_ROWS * D_IN, rows.length));
        }
        SaeWeights onFloat32 = train(train.get(CacheDtype.FLOAT32));
        TrainingMetrics reference = evaluate(onFloat32, heldOut.get(CacheDtype.FLOAT32));
        System.out.printf(Locale.ROOT, "half-precision caches: d_in %d, d_sae %d, %d training rows, %d steps, "
                + "%d held-out rows%n", D_IN, D_SAE, TRAIN_ROWS, STEPS, HELD_OUT_ROWS);
        for (CacheDtype dtype : CacheDtype.values()) {
            System.out.printf(Locale.ROOT, "%s rounding: mean squared change per row %.3g (%.3g of the rows' "
                    + "variance)%n", dtype.specName(), rowMse(heldOut.get(dtype), heldOut.get(CacheDtype.FLOAT32)),
                    rowMse(heldOut.get(dtype), heldOut.get(CacheDtype.FLOAT32)) / rowVariance(heldOut.get(
                            CacheDtype.FLOAT32)));
        }
        System.out.printf(Locale.ROOT, "%-38s %12s %10s %8s%n", "", "MSE", "expl. var", "L0");
        for (CacheDtype dtype : CacheDtype.values()) {
            TrainingMetrics evaluated = evaluate(onFloat32, heldOut.get(dtype));
            print("float32-trained SAE on " + dtype.specName() + " rows", evaluated);
            assertTrue(Math.abs(evaluated.explainedVariance() - reference.explainedVariance()) < 0.01,
                    dtype + ": " + evaluated + " against " + reference);
        }
        for (CacheDtype dtype : CacheDtype.values()) {
            TrainingMetrics evaluated = evaluate(train(train.get(dtype)), heldOut.get(CacheDtype.FLOAT32));
            print(dtype.specName() + "-trained SAE on float32 rows", evaluated);
            assertTrue(Math.abs(evaluated.explainedVariance() - reference.explainedVariance()) < 0.01,
                    dtype + ": " + evaluated + " against " + reference);
        }
    }

    /** Σ‖a − b‖² over rows, per row. */
    private static double rowMse(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) (a[i] - b[i]) * (a[i] - b[i]);
        }
        return sum / (a.length / D_IN);
    }

    /** Σ‖x − mean‖² over rows, per row: what explained variance divides by. */
    private static double rowVariance(float[] rows) {
        double[] mean = new double[D_IN];
        int count = rows.length / D_IN;
        for (int i = 0; i < rows.length; i++) {
            mean[i % D_IN] += rows[i] / (double) count;
        }
        double sum = 0;
        for (int i = 0; i < rows.length; i++) {
            sum += (rows[i] - mean[i % D_IN]) * (rows[i] - mean[i % D_IN]);
        }
        return sum / count;
    }

    private static void print(String label, TrainingMetrics metrics) {
        System.out.printf(Locale.ROOT, "%-38s %12.6g %10.6f %8.3f%n", label, metrics.mse(),
                metrics.explainedVariance(), metrics.l0());
    }

    /** The rows as a cache of {@code dtype} stores and reads them. */
    private float[] throughCache(CacheDtype dtype, float[] rows) throws IOException {
        Path cache = dir.resolve(dtype.specName());
        int count = rows.length / D_IN;
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(cache,
                new CacheDescription("synthetic", "planted", D_IN, null, dtype), 1L << 20)) {
            writer.append(rows, new int[count], new int[count], count);
            writer.finish();
        }
        float[] read = new float[rows.length];
        try (ActivationCacheReader reader = ActivationCacheReader.open(cache)) {
            reader.read(0, count, read, 0);
        }
        return read;
    }

    private static SaeWeights train(float[] rows) {
        TrainerConfig config = TrainerConfig.builder(STEPS).learningRate(3e-3).lrWarmupSteps(20)
                .sparsityCoefficient(SPARSITY).seed(17).build();
        SaeWeights initial = KaimingInitializer.initialize(
                SaeConfig.of(D_IN, D_SAE, new StandardArchitecture(), "synthetic", "planted"), 0.1, 9);
        try (BatchStream stream = InMemoryBatchStream.over(rows, D_IN, BATCH, 11);
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, TrainingListener.NONE, Optional.empty())) {
            trainer.run();
            return trainer.currentWeights();
        }
    }

    /** The SAE's metrics on all of {@code rows} as one batch: the first step's report, before any update. */
    private static TrainingMetrics evaluate(SaeWeights sae, float[] rows) {
        int count = rows.length / D_IN;
        TrainerConfig config = TrainerConfig.builder(1).learningRate(1e-9).sparsityCoefficient(SPARSITY).logEvery(1)
                .seed(17).stepPath(StepPath.DENSE).build();
        RecordingListener listener = new RecordingListener();
        try (BatchStream stream = InMemoryBatchStream.over(rows, D_IN, count, 11);
             SaeTrainer trainer = SaeTrainer.start(config, sae, stream, listener, Optional.empty())) {
            trainer.run();
        }
        return listener.metrics.get(0);
    }
}
