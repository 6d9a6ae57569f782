package dev.saesplit.data.synthetic;

import dev.saesplit.random.SplitMix64;

import java.util.Arrays;

/**
 * Draws one token of a synthetic hierarchy: which features fire, with what magnitude, and the activation
 * vector they sum to. Each parent fires independently; a firing parent makes one of its children fire (with the
 * configured child probability, always by default),
 * chosen uniformly (children are mutually exclusive refinements of the parent, as the split latents of a wide
 * SAE are); the activation is the sum of magnitude × direction over everything that fired, so a child's
 * direction adds to its parent's. Independent features fire independently. Firing sets are drawn by geometric
 * skipping, so a token costs time in proportion to what fires rather than to the number of features.
 */
final class TokenSampler {

    /** Magnitudes are uniform in [MIN, MAX]: positive and bounded away from zero, as for a ReLU feature. */
    static final float MIN_MAGNITUDE = 1f;
    static final float MAX_MAGNITUDE = 3f;

    private final SyntheticHierarchyConfig config;
    private final float[] directions;
    private final int[] active;
    private final float[] magnitudes;
    private int activeCount;

    TokenSampler(SyntheticHierarchyConfig config, float[] directions) {
        this.config = config;
        this.directions = directions;
        this.active = new int[config.features()];
        this.magnitudes = new float[config.features()];
    }

    /**
     * Samples a token into {@code activation[offset, offset + dIn)} (overwritten) and, for each parent, the child
     * that fired or -1 into {@code childLabels[labelOffset, labelOffset + parents)}.
     */
    void sample(SplitMix64 random, float[] activation, int offset, int[] childLabels, int labelOffset) {
        activeCount = 0;
        int parents = config.parents();
        Arrays.fill(childLabels, labelOffset, labelOffset + parents, -1);
        for (int parent = skip(random, -1, config.parentFiringProbability()); parent < parents;
             parent = skip(random, parent, config.parentFiringProbability())) {
            fire(parent, random);
            // Drawn only when it can matter, so hierarchies whose parents always have a child keep their data.
            if (config.childProbability() < 1 && random.nextDouble() >= config.childProbability()) {
                continue;
            }
            int child = config.firstChildOf(parent) + random.nextInt(config.childrenPerParent());
            childLabels[labelOffset + parent] = child;
            fire(child, random);
        }
        int first = config.firstIndependentFeature();
        for (int feature = skip(random, first - 1, config.firingProbability()); feature < config.features();
             feature = skip(random, feature, config.firingProbability())) {
            fire(feature, random);
        }
        sumDirections(activation, offset);
    }

    int activeCount() {
        return activeCount;
    }

    int activeFeature(int i) {
        return active[i];
    }

    float magnitude(int i) {
        return magnitudes[i];
    }

    private void fire(int feature, SplitMix64 random) {
        active[activeCount] = feature;
        magnitudes[activeCount] = MIN_MAGNITUDE + (float) random.nextDouble() * (MAX_MAGNITUDE - MIN_MAGNITUDE);
        activeCount++;
    }

    private void sumDirections(float[] activation, int offset) {
        int d = config.dIn();
        Arrays.fill(activation, offset, offset + d, 0f);
        for (int i = 0; i < activeCount; i++) {
            int base = active[i] * d;
            float magnitude = magnitudes[i];
            for (int k = 0; k < d; k++) {
                activation[offset + k] += magnitude * directions[base + k];
            }
        }
    }

    /**
     * The next feature after {@code previous} that fires, each firing independently with {@code probability}:
     * the gap to it is geometric, drawn by inversion.
     */
    private static int skip(SplitMix64 random, int previous, double probability) {
        if (probability >= 1.0) {
            return previous + 1;
        }
        double uniform = 1.0 - random.nextDouble(); // (0, 1]
        double gap = Math.floor(Math.log(uniform) / Math.log1p(-probability));
        return gap >= Integer.MAX_VALUE - previous - 1 ? Integer.MAX_VALUE : previous + 1 + (int) gap;
    }
}
