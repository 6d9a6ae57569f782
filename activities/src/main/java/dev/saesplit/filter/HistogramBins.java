package dev.saesplit.filter;

/**
 * Fixed bins for a latent's activation, the same for every run so that histograms compare: {@code count}
 * equal bins over {@code (0, upper)}; zero (the latent did not fire) and values at or above {@code upper} are
 * counted apart.
 *
 * @param upper upper edge of the last bin
 * @param count number of bins
 */
public record HistogramBins(double upper, int count) {

    /** Bins of width 0.25 up to 20, which covers the activations of a typical SAE latent. */
    public static final HistogramBins DEFAULT = new HistogramBins(20.0, 80);

    public HistogramBins {
        if (!(upper > 0) || Double.isInfinite(upper)) {
            throw new IllegalArgumentException("histogram upper edge must be positive and finite, got " + upper);
        }
        if (count <= 0) {
            throw new IllegalArgumentException("histogram bin count must be positive, got " + count);
        }
    }

    public double width() {
        return upper / count;
    }
}
