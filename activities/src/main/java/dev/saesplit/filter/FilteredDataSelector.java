package dev.saesplit.filter;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.FilteredActivationSource;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.npy.MappedNpyArray;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.pipeline.FilteredDataRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Step 2 of the method: streams a source through the narrow SAE's target latent and keeps the tokens whose
 * activation exceeds the threshold. Writes the kept rows' indices ({@code kept_rows.npy}, int64, ascending) and
 * statistics ({@code filter_stats.json}); {@link FilteredActivationSource} then reads the source through them.
 *
 * <p>Each thread scans its own contiguous range of rows and spills its indices to a part file; the parts are
 * joined in range order, so the output is the same for any number of threads. Memory is a read buffer per
 * thread, whatever the size of the source. A source that does not
 * {@linkplain ActivationSource#allowsConcurrentReads allow concurrent reads} is scanned on one thread.
 */
public final class FilteredDataSelector {

    private static final int MERGE_BLOCK = 1 << 16;

    private final FilterConfig config;

    public FilteredDataSelector(FilterConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Scans {@code source} and writes the kept rows and statistics into {@code outputDirectory}. */
    public FilterResult select(ActivationSource source, LatentProbe probe, Path outputDirectory) throws IOException {
        if (probe.dIn() != source.dIn()) {
            throw new IllegalArgumentException("probe has width " + probe.dIn() + " but the source has "
                    + source.dIn());
        }
        Files.createDirectories(outputDirectory);
        long tokens = source.tokens();
        int threads = source.allowsConcurrentReads() ? config.threads() : 1;
        int ranges = (int) Math.max(1, Math.min(threads, tokens / config.rowsPerRead()));
        List<Path> parts = new ArrayList<>(ranges);
        for (int r = 0; r < ranges; r++) {
            parts.add(outputDirectory.resolve(FilteredDataRef.KEPT_ROWS_FILE + ".part-" + r + ".tmp"));
        }
        try {
            List<RangeScan> scans = scanInParallel(source, probe, tokens, parts);
            HistogramAccumulator histogram = new HistogramAccumulator(config.bins());
            long kept = 0;
            for (RangeScan scan : scans) {
                histogram.addAll(scan.histogram());
                kept += scan.kept();
            }
            Path keptRowsFile = outputDirectory.resolve(FilteredDataRef.KEPT_ROWS_FILE);
            joinParts(parts, keptRowsFile);
            FilterStatistics statistics = new FilterStatistics(config.threshold(), tokens, kept,
                    tokens == 0 ? 0 : (double) kept / tokens, histogram.snapshot());
            Path statisticsFile = outputDirectory.resolve(FilterStatistics.FILE_NAME);
            JsonArtifacts.write(statisticsFile, statistics);
            return new FilterResult(keptRowsFile, statisticsFile, statistics);
        } finally {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    private record RangeScan(long kept, HistogramAccumulator histogram) {
    }

    private List<RangeScan> scanInParallel(ActivationSource source, LatentProbe probe, long tokens, List<Path> parts)
            throws IOException {
        int ranges = parts.size();
        ExecutorService executor = Executors.newFixedThreadPool(ranges, runnable -> {
            Thread thread = new Thread(runnable, "filter-scan");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<RangeScan>> futures = new ArrayList<>(ranges);
            for (int r = 0; r < ranges; r++) {
                long start = tokens * r / ranges;
                long end = tokens * (r + 1) / ranges;
                Path part = parts.get(r);
                futures.add(executor.submit(() -> scanRange(source, probe, start, end, part)));
            }
            List<RangeScan> scans = new ArrayList<>(ranges);
            for (Future<RangeScan> future : futures) {
                scans.add(await(future));
            }
            return scans;
        } finally {
            executor.shutdownNow();
        }
    }

    private RangeScan scanRange(ActivationSource source, LatentProbe probe, long start, long end, Path part)
            throws IOException {
        int d = source.dIn();
        int rowsPerRead = config.rowsPerRead();
        float[] rows = new float[Math.multiplyExact(rowsPerRead, d)];
        long[] keptRows = new long[rowsPerRead];
        HistogramAccumulator histogram = new HistogramAccumulator(config.bins());
        float threshold = config.threshold();
        try (NpyWriter writer = NpyWriter.create(part, NpyDtype.INT64)) {
            for (long first = start; first < end; first += rowsPerRead) {
                int count = (int) Math.min(rowsPerRead, end - first);
                source.read(first, count, rows, 0);
                int keptHere = 0;
                for (int i = 0; i < count; i++) {
                    float activation = probe.activation(rows, i * d);
                    histogram.add(activation);
                    if (activation > threshold) {
                        keptRows[keptHere++] = first + i;
                    }
                }
                writer.writeLongs(keptRows, 0, keptHere);
            }
            writer.close();
            return new RangeScan(writer.rows(), histogram);
        }
    }

    /** Concatenates the part files, in range order, into one .npy moved into place when complete. */
    private static void joinParts(List<Path> parts, Path keptRowsFile) throws IOException {
        Path temporary = keptRowsFile.resolveSibling(keptRowsFile.getFileName() + ".tmp");
        long[] block = new long[MERGE_BLOCK];
        try (NpyWriter joined = NpyWriter.create(temporary, NpyDtype.INT64)) {
            for (Path part : parts) {
                MappedNpyArray indices = MappedNpyArray.open(part, Set.of(NpyDtype.INT64), Set.of(1));
                for (long at = 0; at < indices.rows(); at += MERGE_BLOCK) {
                    int count = (int) Math.min(MERGE_BLOCK, indices.rows() - at);
                    indices.readLongs(at, count, block, 0);
                    joined.writeLongs(block, 0, count);
                }
            }
        }
        Files.move(temporary, keptRowsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static RangeScan await(Future<RangeScan> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filtering", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof UncheckedIOException unchecked) {
                throw unchecked;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
