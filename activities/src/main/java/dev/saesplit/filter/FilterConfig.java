package dev.saesplit.filter;

/**
 * How {@link FilteredDataSelector} scans.
 *
 * @param threshold   keep tokens whose target-latent activation exceeds this
 * @param bins        histogram bins for the statistics
 * @param threads     scanning threads, each over its own contiguous range of rows
 * @param rowsPerRead rows read from the source at once (per thread)
 */
public record FilterConfig(float threshold, HistogramBins bins, int threads, int rowsPerRead) {

    public FilterConfig {
        if (!Float.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        if (bins == null) {
            throw new IllegalArgumentException("histogram bins are required");
        }
        if (threads <= 0 || rowsPerRead <= 0) {
            throw new IllegalArgumentException("threads and rowsPerRead must be positive, got " + threads + " and "
                    + rowsPerRead);
        }
    }

    /** Default bins, up to two threads, 4096 rows per read. */
    public static FilterConfig withThreshold(float threshold) {
        int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
        return new FilterConfig(threshold, HistogramBins.DEFAULT, threads, 4096);
    }
}
