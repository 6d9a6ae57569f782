package dev.saesplit.filter;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Arrays;

/**
 * Histogram of the target latent's activation over the scanned tokens, in fixed bins ({@code HistogramBins}).
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
}
