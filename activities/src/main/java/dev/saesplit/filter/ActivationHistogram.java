package dev.saesplit.filter;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Arrays;

/**
 * Histogram of the target latent's activation over the scanned tokens, in {@link HistogramBins}.
 *
 * @param upper    upper edge of the last bin
 * @param binWidth width of every bin; bin i covers {@code [i·binWidth, (i+1)·binWidth)}, excluding zero
 * @param inactive tokens where the latent did not fire (activation 0)
 * @param counts   tokens per bin
 * @param overflow tokens at or above {@code upper}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ActivationHistogram(double upper, double binWidth, long inactive, long[] counts, long overflow) {

    public ActivationHistogram {
        counts = counts.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    /** Every token counted: inactive, binned, and overflow. */
    public long total() {
        return inactive + Arrays.stream(counts).sum() + overflow;
    }

    /** Counts activations as they are scanned; one per scanning thread, merged at the end. */
    static final class Accumulator {
        private final HistogramBins bins;
        private final double binWidth;
        private final long[] counts;
        private long inactive;
        private long overflow;

        Accumulator(HistogramBins bins) {
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

        void addAll(Accumulator other) {
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
}
