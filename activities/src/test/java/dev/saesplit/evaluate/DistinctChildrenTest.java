package dev.saesplit.evaluate;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Distinct children are the most pairwise-exclusive groups of children: counted exhaustively for a few groups and
 * greedily for many, on overlap patterns whose answer is known.
 */
class DistinctChildrenTest {

    private static final double MAX_JACCARD = 0.5;
    private static final double MAX_OVERLAP = 0.2;

    @Test
    void aParentLatentFiringOnEveryChildsTokensLeavesTheChildrenDistinct() {
        // Child 0 fires on half of each other child's tokens; children 1..4 never fire together.
        double[][] containment = identity(5);
        for (int b = 1; b < 5; b++) {
            containment[0][b] = 0.5;
            containment[b][0] = 0.1;
        }
        assertEquals(4, count(containment));
    }

    @Test
    void aChainOfOverlapsKeepsEveryOtherChild() {
        // Each child fires on a third of the next one's tokens: a path, whose most exclusive set is every other one.
        assertEquals(3, count(chain(5)));
        assertEquals(10, count(chain(20))); // more groups than are searched exhaustively
    }

    @Test
    void duplicatesCountOnceBeforeExclusivityIsJudged() {
        double[][] containment = identity(3);
        double[][] jaccard = identity(3);
        jaccard[0][1] = jaccard[1][0] = 0.9; // 0 and 1: one child learned twice
        containment[0][1] = containment[1][0] = 0.95;
        assertEquals(2, DistinctChildren.count(jaccard, zero(3), containment, MAX_JACCARD, MAX_OVERLAP));
        // Allowed to fire together, 0 and 1 are still one child: the Jaccard limit groups them.
        assertEquals(2, DistinctChildren.count(jaccard, zero(3), containment, MAX_JACCARD, 1.0));
    }

    @Test
    void theGroupsCountedAreTheExclusiveOnesNotTheOneFiringWithThem() {
        // Child 0 fires on 44 % and 47 % of children 1's and 2's tokens, which never fire together.
        double[][] containment = identity(3);
        containment[0][1] = 0.44;
        containment[0][2] = 0.47;
        assertEquals(List.of(1, 2), DistinctChildren.counted(
                DistinctChildren.groups(identity(3), zero(3), MAX_JACCARD), containment, MAX_OVERLAP));
        // Greedily too, past the exhaustive search: every other child of a chain, from the first.
        assertEquals(List.of(0, 2, 4, 6, 8, 10, 12, 14, 16, 18), DistinctChildren.counted(
                DistinctChildren.groups(identity(20), zero(20), MAX_JACCARD), chain(20), MAX_OVERLAP));
    }

    private static int count(double[][] containment) {
        int k = containment.length;
        return DistinctChildren.count(identity(k), zero(k), containment, MAX_JACCARD, MAX_OVERLAP);
    }

    private static double[][] chain(int k) {
        double[][] containment = identity(k);
        for (int a = 0; a + 1 < k; a++) {
            containment[a][a + 1] = 0.33;
        }
        return containment;
    }

    private static double[][] identity(int k) {
        double[][] m = new double[k][k];
        for (int a = 0; a < k; a++) {
            m[a][a] = 1;
        }
        return m;
    }

    private static double[][] zero(int k) {
        return new double[k][k];
    }
}
