package dev.saesplit.data.cache;

import dev.saesplit.spec.CacheDtype;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * How fast each cache dtype reads into training batches: the same rows as float32, float16 and bfloat16 caches,
 * read batch by batch as training reads them, three passes each after one untimed pass; prints rows/s and MB/s
 * of float32 delivered. A benchmark, not a check: opt in with {@code -Dsaesplit.bench.cacheRead=true}.
 */
class CacheReadSpeedTest {

    private static final int D = 512;
    private static final int ROWS = 1 << 16;
    private static final int BATCH = 4096;

    @TempDir
    Path dir;

    @Test
    void printsReadSpeedPerDtype() throws IOException {
        assumeTrue(Boolean.getBoolean("saesplit.bench.cacheRead"), "opt in with -Dsaesplit.bench.cacheRead=true");
        float[] rows = new float[ROWS * D];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (float) (random.nextGaussian() * 0.5);
        }
        System.out.printf(Locale.ROOT, "cache read: %d rows of d %d, batches of %d, %d cores%n", ROWS, D, BATCH,
                Runtime.getRuntime().availableProcessors());
        for (CacheDtype dtype : CacheDtype.values()) {
            Path cache = dir.resolve(dtype.specName());
            try (ActivationCacheWriter writer = ActivationCacheWriter.create(cache,
                    new CacheDescription("synthetic", "random", D, null, dtype), 64L << 20)) {
                writer.append(rows, new int[ROWS], new int[ROWS], ROWS);
                writer.finish();
            }
            float[] batch = new float[BATCH * D];
            try (ActivationCacheReader reader = ActivationCacheReader.open(cache, CacheVerification.SHAPES)) {
                double checksum = 0;
                double best = Double.MAX_VALUE;
                for (int pass = -1; pass < 3; pass++) {
                    long start = System.nanoTime();
                    for (int row = 0; row < ROWS; row += BATCH) {
                        reader.read(row, BATCH, batch, 0);
                        checksum += batch[row % BATCH];
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (pass >= 0) {
                        best = Math.min(best, seconds);
                    }
                }
                System.out.printf(Locale.ROOT, "%-9s %12.0f rows/s %8.0f MB/s of float32 (checksum %.3f)%n",
                        dtype.specName(), ROWS / best, ROWS * (double) D * 4 / best / 1e6, checksum);
                assertEquals(ROWS, reader.tokens());
            }
        }
    }
}
