package dev.saesplit.report;

/**
 * Bins of log10 firing frequency fitted to the latents that fired, so a histogram spends its width on data. A latent
 * that never fired (SAELens stores log10(0 + 1e-10) = −10) is dead: it is counted apart, not drawn.
 *
 * @param low   lower edge of the first bin
 * @param high  upper edge of the last bin
 * @param count number of bins
 */
record FeatureDensityBins(double low, double high, int count) {

    /** At or below this, a latent never fired. */
    static final double DEAD = -9.99;
    private static final int BINS = 40;

    /** Bins over the live latents of every set, widened to whole decades. */
    static FeatureDensityBins fitted(Iterable<float[]> densities) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (float[] density : densities) {
            for (float f : density) {
                if (f > DEAD) {
                    low = Math.min(low, f);
                    high = Math.max(high, f);
                }
            }
        }
        if (low > high) {
            return new FeatureDensityBins(-10, 0, BINS); // nothing fired anywhere
        }
        double floor = Math.floor(low);
        double ceiling = Math.min(0, Math.max(Math.ceil(high), floor + 1));
        return new FeatureDensityBins(floor, ceiling, BINS);
    }

    static int dead(float[] density) {
        int dead = 0;
        for (float f : density) {
            if (f <= DEAD) {
                dead++;
            }
        }
        return dead;
    }

    double[] centres() {
        double width = (high - low) / count;
        double[] centres = new double[count];
        for (int b = 0; b < count; b++) {
            centres[b] = low + (b + 0.5) * width;
        }
        return centres;
    }

    /** Fraction of all of {@code density}'s latents in each bin; dead latents fall in none. */
    double[] fractions(float[] density) {
        double width = (high - low) / count;
        double[] fractions = new double[count];
        for (float f : density) {
            if (f > DEAD) {
                int bin = (int) Math.floor((Math.min(high, Math.max(low, f)) - low) / width);
                fractions[Math.min(count - 1, bin)] += 1.0 / density.length;
            }
        }
        return fractions;
    }
}
