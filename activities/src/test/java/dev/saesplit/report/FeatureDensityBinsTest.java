package dev.saesplit.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Feature-density histograms spend their axis on latents that fired and count the dead ones apart. */
class FeatureDensityBinsTest {

    @Test
    void theAxisSpansTheWholeDecadesOfTheLiveLatents() {
        FeatureDensityBins bins = FeatureDensityBins.fitted(List.of(new float[] {-10f, -3.5f, -2.2f},
                new float[] {-4.1f, -1.5f}));

        assertEquals(-5, bins.low());
        assertEquals(-1, bins.high());
    }

    @Test
    void deadLatentsAreCountedButFallInNoBin() {
        float[] density = {-10f, -10f, -2.5f, -2.5f};
        FeatureDensityBins bins = FeatureDensityBins.fitted(List.of(density));

        assertEquals(2, FeatureDensityBins.dead(density));
        assertEquals(0.5, java.util.Arrays.stream(bins.fractions(density)).sum(), 1e-12);
    }
}
