package dev.saesplit.train;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link Axpy} in the widest float vectors the CPU has; loaded only where {@code jdk.incubator.vector} is. */
final class VectorAxpy extends Axpy {

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

    @Override
    void apply(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int bound = SPECIES.loopBound(n); i < bound; i += SPECIES.length()) {
            // mul then add, not fma: the same rounding as the scalar loop
            FloatVector.fromArray(SPECIES, x, xo + i).mul(a).add(FloatVector.fromArray(SPECIES, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    @Override
    String name() {
        return "vector (" + SPECIES.length() + " floats)";
    }
}
