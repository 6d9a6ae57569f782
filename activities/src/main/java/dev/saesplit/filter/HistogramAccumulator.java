package dev.saesplit.filter;

/**
 * Counts the target latent's activations into an {@link ActivationHistogram} as they are scanned; one per scanning
 * thread, merged at the end.
 */
final class HistogramAccumulator {
    private final HistogramBins bins;
    private final double binWidth;
    private final long[] counts;
    private long inactive;
    private long overflow;

    HistogramAccumulator(HistogramBins bins) {
        this.bins = bins;
        this.binWidth = bins.width();
        this.counts = new long[bins.count()];
    }

    void add(float activation) {
        if (activation <= 0) {
            inactive++;
        } else if (activation >= bins.upper()) {
            overflow++;
        } else {
            // Rounding can put a value just under the upper edge one past the last bin.
            counts[Math.min((int) (activation / binWidth), counts.length - 1)]++;
        }
    }

    void addAll(HistogramAccumulator other) {
        inactive += other.inactive;
        overflow += other.overflow;
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    ActivationHistogram snapshot() {
        return new ActivationHistogram(bins.upper(), binWidth, inactive, counts, overflow);
    }
}
