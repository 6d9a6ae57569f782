package dev.saesplit.filter;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.FilteredActivationSource;
import dev.saesplit.data.FiniteCheckingSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.InMemoryActivationSource;
import dev.saesplit.data.ReadCountingSource;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.random.SplitMix64;
import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilteredDataSelectorTest {

    private static final int D = 6;
    private static final int TOKENS = 2_345;
    private static final float THRESHOLD = 0.8f;

    @TempDir
    Path dir;

    @Test
    void keepsExactlyTheRowsWhoseLatentExceedsTheThreshold() throws IOException {
        float[] data = randomRows(TOKENS, 11);
        LatentProbe probe = randomProbe(12);
        FilterResult result = selector(2).select(InMemoryActivationSource.of(data, D), probe, dir);

        long[] expected = bruteForceKeptRows(data, probe);
        assertTrue(expected.length > 100 && expected.length < TOKENS - 100, "the fixture keeps some, not all");
        try (FilteredActivationSource kept = FilteredActivationSource.open(InMemoryActivationSource.of(data, D),
                result.keptRowsFile())) {
            long[] actual = new long[(int) kept.tokens()];
            for (int i = 0; i < actual.length; i++) {
                actual[i] = kept.sourceRow(i);
            }
            assertArrayEquals(expected, actual);
        }
    }

    @Test
    void statisticsAddUpAndAreWrittenAsJson() throws IOException {
        float[] data = randomRows(TOKENS, 21);
        LatentProbe probe = randomProbe(22);
        FilterStatistics statistics = selector(2).select(InMemoryActivationSource.of(data, D), probe, dir)
                .statistics();

        assertEquals(TOKENS, statistics.tokensScanned());
        assertEquals(bruteForceKeptRows(data, probe).length, statistics.tokensKept());
        assertEquals((double) statistics.tokensKept() / TOKENS, statistics.keptFraction(), 1e-12);
        ActivationHistogram histogram = statistics.histogram();
        assertEquals(TOKENS, histogram.total());
        long inactive = 0;
        long inFirstBin = 0;
        for (int row = 0; row < TOKENS; row++) {
            float activation = probe.activation(data, row * D);
            inactive += activation == 0 ? 1 : 0;
            inFirstBin += activation > 0 && activation < histogram.binWidth() ? 1 : 0;
        }
        assertEquals(inactive, histogram.inactive());
        assertEquals(inFirstBin, histogram.counts()[0]);
        String json = Files.readString(dir.resolve(FilterStatistics.FILE_NAME));
        assertTrue(json.contains("\"tokens_kept\" : " + statistics.tokensKept()), json);
    }

    @Test
    void theOutputIsTheSameForAnyNumberOfThreads() throws IOException {
        float[] data = randomRows(TOKENS, 31);
        LatentProbe probe = randomProbe(32);
        FilterResult one = selector(1).select(InMemoryActivationSource.of(data, D), probe, dir.resolve("one"));
        FilterResult two = selector(2).select(InMemoryActivationSource.of(data, D), probe, dir.resolve("two"));
        assertArrayEquals(Files.readAllBytes(one.keptRowsFile()), Files.readAllBytes(two.keptRowsFile()));
        assertEquals(one.statistics().histogram().total(), two.statistics().histogram().total());
        assertArrayEquals(one.statistics().histogram().counts(), two.statistics().histogram().counts());
        try (var files = Files.list(dir.resolve("two"))) {
            assertEquals(List.of(FilterStatistics.FILE_NAME, FilteredDataRef.KEPT_ROWS_FILE),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no part files are left behind");
        }
    }

    @Test
    void aSourceThatDoesNotAllowConcurrentReadsIsScannedOnOneThreadWithTheSameResult() throws IOException {
        float[] data = randomRows(TOKENS, 35);
        LatentProbe probe = randomProbe(36);
        Set<Thread> readers = ConcurrentHashMap.newKeySet();
        ActivationSource serial = recordingReaders(new SerialView(InMemoryActivationSource.of(data, D)), readers);

        FilterResult one = selector(2).select(serial, probe, dir.resolve("serial"));
        FilterResult two = selector(2).select(InMemoryActivationSource.of(data, D), probe, dir.resolve("parallel"));

        assertEquals(1, readers.size(), "read on " + readers);
        assertArrayEquals(Files.readAllBytes(two.keptRowsFile()), Files.readAllBytes(one.keptRowsFile()));
    }

    @Test
    void npyActivationsSeenThroughTheTrainingSplitAndAProgressCounterAreScannedInParallel() throws IOException {
        float[] data = randomRows(TOKENS, 37);
        Path npy = dir.resolve("activations.npy");
        try (NpyWriter writer = NpyWriter.create(npy, NpyDtype.FLOAT32, D)) {
            writer.writeFloats(data, 0, data.length);
        }
        Set<Thread> readers = ConcurrentHashMap.newKeySet();
        try (ActivationSource file = NpyActivationSource.open(List.of(npy))) {
            // the chain the filter activity reads through
            ActivationSource source = recordingReaders(new FiniteCheckingSource(HeldOutSplit.training(file)), readers);
            assertTrue(source.allowsConcurrentReads());

            selector(2).select(source, randomProbe(38), dir.resolve("out"));

            assertEquals(2, readers.size(), "read on " + readers);
        }
    }

    @Test
    void theFilteredViewReadsTheKeptRowsInOrder() throws IOException {
        float[] data = randomRows(TOKENS, 41);
        ActivationSource source = InMemoryActivationSource.of(data, D);
        FilterResult result = selector(2).select(source, randomProbe(42), dir);
        try (FilteredActivationSource kept = FilteredActivationSource.open(source, result.keptRowsFile())) {
            int count = (int) kept.tokens();
            float[] rows = new float[count * D];
            kept.read(0, count, rows, 0);
            for (int i = 0; i < count; i++) {
                int sourceRow = (int) kept.sourceRow(i);
                assertArrayEquals(Arrays.copyOfRange(data, sourceRow * D, (sourceRow + 1) * D),
                        Arrays.copyOfRange(rows, i * D, (i + 1) * D), "kept row " + i);
            }
            assertEquals("row " + kept.sourceRow(3) + " (filtered row 3)", kept.describeRow(3));
        }
    }

    @Test
    void anIndexFileOutOfOrderOrBeyondTheSourceIsRejected() throws IOException {
        ActivationSource source = InMemoryActivationSource.of(new float[10 * D], D);
        Path unordered = writeIndices(dir.resolve("unordered.npy"), 1, 5, 4);
        Path beyond = writeIndices(dir.resolve("beyond.npy"), 1, 10);
        ActivationFormatException error = assertThrows(ActivationFormatException.class,
                () -> FilteredActivationSource.open(source, unordered));
        assertEquals(unordered, error.file());
        assertTrue(error.getMessage().contains("entry 2 (row 4)"), error.getMessage());
        assertThrows(ActivationFormatException.class, () -> FilteredActivationSource.open(source, beyond));
    }

    @Test
    void aProbeFromSaeWeightsUsesItsLatentsEncoderColumn() {
        // W_enc [dIn = 2, dSae = 3]: latent 1's column is (10, 20).
        float[] encoder = {0f, 10f, 0f, 0f, 20f, 0f};
        SaeWeights weights = new SaeWeights(SaeConfig.of(2, 3, new StandardArchitecture(), "m", "h"), encoder,
                new float[] {0f, -5f, 0f}, new float[6], new float[] {1f, 1f});
        LatentProbe probe = LatentProbe.of(weights, 1);
        // ReLU((3 - 1) * 10 + (2 - 1) * 20 - 5) = 35; the opposite input is cut to zero.
        assertEquals(35f, probe.activation(new float[] {3f, 2f}, 0));
        assertEquals(0f, probe.activation(new float[] {-3f, -2f}, 0));
    }

    private static FilteredDataSelector selector(int threads) {
        return new FilteredDataSelector(new FilterConfig(THRESHOLD, new HistogramBins(4.0, 16), threads, 100));
    }

    /** Every row, one by one, through the probe (whose own arithmetic LatentProbeTest checks). */
    private static long[] bruteForceKeptRows(float[] data, LatentProbe probe) {
        List<Long> kept = new ArrayList<>();
        for (int row = 0; row < TOKENS; row++) {
            if (probe.activation(data, row * D) > THRESHOLD) {
                kept.add((long) row);
            }
        }
        return kept.stream().mapToLong(Long::longValue).toArray();
    }

    private static float[] randomRows(int rows, long seed) {
        SplitMix64 random = new SplitMix64(seed);
        float[] data = new float[rows * D];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) random.nextGaussian();
        }
        return data;
    }

    private static LatentProbe randomProbe(long seed) {
        float[] column = randomRows(1, seed);
        float[] decoderBias = randomRows(1, seed + 1000);
        for (int i = 0; i < D; i++) {
            column[i] *= 0.5f;
            decoderBias[i] *= 0.1f;
        }
        return LatentProbe.standard(column, 0.2f, decoderBias);
    }

    private static Path writeIndices(Path file, long... rows) throws IOException {
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.INT64)) {
            writer.writeLongs(rows, 0, rows.length);
        }
        return file;
    }

    /** {@code source}, noting in {@code readers} every thread that reads it, as a progress counter would count. */
    private static ActivationSource recordingReaders(ActivationSource source, Set<Thread> readers) {
        return new ReadCountingSource(source, rows -> readers.add(Thread.currentThread()));
    }

    /** A view that keeps the interface's default: it does not say concurrent reads are safe. */
    private record SerialView(ActivationSource rows) implements ActivationSource {
        public int dIn() { return rows.dIn(); }
        public long tokens() { return rows.tokens(); }
        public void read(long start, int count, float[] dst, int at) { rows.read(start, count, dst, at); }
    }
}
