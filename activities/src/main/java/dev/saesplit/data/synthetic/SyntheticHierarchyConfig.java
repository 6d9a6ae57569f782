package dev.saesplit.data.synthetic;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Parameters of a generated ground-truth hierarchy. Features are unit directions in {@code dIn} dimensions
 * ({@code features > dIn} puts them in superposition). Features {@code [0, parents)} are parents; parent
 * {@code p}'s children are {@code [parents + p·K, parents + (p+1)·K)}; the rest fire independently.
 *
 * @param dIn                     activation width
 * @param features                number of feature directions, N
 * @param parents                 parent features, P
 * @param childrenPerParent       children of each parent, K
 * @param firingProbability       per-token probability that an independent feature fires
 * @param parentFiringProbability per-token probability that a parent fires
 * @param childProbability        probability that a firing parent also fires one of its children; below 1 the
 *                                parent direction also occurs alone, so a narrow SAE can learn it cleanly
 * @param tokens                  tokens to generate
 * @param seed                    seed of directions and activations
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SyntheticHierarchyConfig(int dIn, int features, int parents, int childrenPerParent,
                                       double firingProbability, double parentFiringProbability,
                                       double childProbability, long tokens, long seed) {

    public SyntheticHierarchyConfig {
        requirePositive("dIn", dIn);
        requirePositive("features", features);
        requirePositive("parents", parents);
        requirePositive("childrenPerParent", childrenPerParent);
        requirePositive("tokens", tokens);
        if ((long) parents * (childrenPerParent + 1) > features) {
            throw new IllegalArgumentException("parents × (childrenPerParent + 1) = "
                    + (long) parents * (childrenPerParent + 1) + " exceeds features = " + features);
        }
        requireProbability("firingProbability", firingProbability);
        requireProbability("parentFiringProbability", parentFiringProbability);
        requireProbability("childProbability", childProbability);
    }

    /**
     * A config whose parents fire {@code max(K, 2)} times as often as independent features (capped at 1): each of
     * a parent's K children then fires about as often as an independent feature, and the parent itself at least
     * twice as often, so there is enough data on the parent to learn it and then split it.
     */
    public static SyntheticHierarchyConfig of(int dIn, int features, int parents, int childrenPerParent,
                                              double firingProbability, long tokens, long seed) {
        double parentProbability = Math.min(1.0, Math.max(childrenPerParent, 2) * firingProbability);
        return new SyntheticHierarchyConfig(dIn, features, parents, childrenPerParent, firingProbability,
                parentProbability, 1.0, tokens, seed);
    }

    /** The same hierarchy with a firing parent firing one of its children only with probability {@code p}. */
    public SyntheticHierarchyConfig withChildProbability(double p) {
        return new SyntheticHierarchyConfig(dIn, features, parents, childrenPerParent, firingProbability,
                parentFiringProbability, p, tokens, seed);
    }

    /** First feature that is neither a parent nor a child. */
    public int firstIndependentFeature() {
        return parents * (childrenPerParent + 1);
    }

    /** First child of parent {@code parent} (children are consecutive). */
    public int firstChildOf(int parent) {
        return parents + parent * childrenPerParent;
    }

    private static void requirePositive(String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, got " + value);
        }
    }

    private static void requireProbability(String field, double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in (0, 1], got " + value);
        }
    }
}
