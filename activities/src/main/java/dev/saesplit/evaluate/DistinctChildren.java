package dev.saesplit.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How many different children a set of children is. Two children that are one child learned twice (firing overlap
 * above the limit, or near-identical decoder directions: a latent split by magnitude, say) form one group. The
 * children of a target are exclusive refinements of it, as a parent's children are: groups that fire together on
 * more than {@code max_child_overlap} of either's tokens are not two children (one is typically the parent
 * firing where a child fires weakly, or a child that absorbed the parent), so the count is the most groups that
 * are pairwise exclusive.
 */
final class DistinctChildren {

    /** Decoder cosine above which two children are the same direction. */
    static final double DUPLICATE_COSINE = 0.95;
    /** Up to this many groups the most exclusive ones are found exhaustively; above it greedily. */
    private static final int EXHAUSTIVE_GROUPS = 16;

    private DistinctChildren() {
    }

    /**
     * The number of distinct children: duplicate pairs joined into groups (transitively), then the most groups
     * that are pairwise exclusive.
     *
     * @param containment {@code containment[a][b]} = P(child a fires | child b fires)
     * @param maxOverlap  the containment above which two children are not exclusive
     */
    static int count(double[][] jaccard, double[][] cosine, double[][] containment, double maxJaccard,
                     double maxOverlap) {
        return counted(groups(jaccard, cosine, maxJaccard), containment, maxOverlap).size();
    }

    /**
     * The groups {@link #count} counts, as indices into {@code groups} in increasing order: the most that are
     * pairwise exclusive (the first such set in index order, where several are as large).
     */
    static List<Integer> counted(List<List<Integer>> groups, double[][] containment, double maxOverlap) {
        return mostExclusive(overlapping(groups, containment, maxOverlap));
    }

    /** The groups, as positions in the children's order, each in increasing order. */
    static List<List<Integer>> groups(double[][] jaccard, double[][] cosine, double maxJaccard) {
        int k = jaccard.length;
        int[] group = new int[k];
        for (int a = 0; a < k; a++) {
            group[a] = a;
        }
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                if (jaccard[a][b] > maxJaccard || cosine[a][b] > DUPLICATE_COSINE) {
                    int from = group[b];
                    int to = group[a];
                    for (int c = 0; c < k; c++) {
                        if (group[c] == from) {
                            group[c] = to;
                        }
                    }
                }
            }
        }
        List<List<Integer>> groups = new ArrayList<>();
        boolean[] done = new boolean[k];
        for (int a = 0; a < k; a++) {
            if (done[a]) {
                continue;
            }
            List<Integer> members = new ArrayList<>();
            for (int c = a; c < k; c++) {
                if (group[c] == group[a]) {
                    members.add(c);
                    done[c] = true;
                }
            }
            groups.add(members);
        }
        return groups;
    }

    /**
     * Pairs of children in different groups that are not exclusive, for the verdict's reason: each pair once, as
     * {@code {a, b}} positions with a firing on more than {@code maxOverlap} of b's tokens (the larger way round).
     */
    static List<int[]> overlaps(List<List<Integer>> groups, double[][] containment, double maxOverlap) {
        List<int[]> pairs = new ArrayList<>();
        for (int x = 0; x < groups.size(); x++) {
            for (int y = x + 1; y < groups.size(); y++) {
                for (int a : groups.get(x)) {
                    for (int b : groups.get(y)) {
                        int[] pair = containment[a][b] >= containment[b][a] ? new int[] {a, b} : new int[] {b, a};
                        if (containment[pair[0]][pair[1]] > maxOverlap) {
                            pairs.add(pair);
                        }
                    }
                }
            }
        }
        return pairs;
    }

    /** {@code overlap[x][y]}: some member of group x and some member of group y are not exclusive. */
    private static boolean[][] overlapping(List<List<Integer>> groups, double[][] containment, double maxOverlap) {
        int[] groupOf = new int[containment.length];
        for (int x = 0; x < groups.size(); x++) {
            for (int a : groups.get(x)) {
                groupOf[a] = x;
            }
        }
        boolean[][] overlap = new boolean[groups.size()][groups.size()];
        for (int[] pair : overlaps(groups, containment, maxOverlap)) {
            overlap[groupOf[pair[0]]][groupOf[pair[1]]] = true;
            overlap[groupOf[pair[1]]][groupOf[pair[0]]] = true;
        }
        return overlap;
    }

    /** The largest set of groups no two of which overlap, in increasing order. */
    private static List<Integer> mostExclusive(boolean[][] overlap) {
        int g = overlap.length;
        if (g > EXHAUSTIVE_GROUPS) {
            return greedy(overlap);
        }
        int best = 0;
        int bestMask = 0;
        for (int mask = 1; mask < (1 << g); mask++) {
            if (Integer.bitCount(mask) > best && exclusive(mask, overlap)) {
                best = Integer.bitCount(mask);
                bestMask = mask;
            }
        }
        List<Integer> chosen = new ArrayList<>();
        for (int x = 0; x < g; x++) {
            if ((bestMask >> x & 1) == 1) {
                chosen.add(x);
            }
        }
        return chosen;
    }

    private static boolean exclusive(int mask, boolean[][] overlap) {
        for (int x = 0; x < overlap.length; x++) {
            for (int y = x + 1; y < overlap.length; y++) {
                if ((mask >> x & 1) == 1 && (mask >> y & 1) == 1 && overlap[x][y]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Takes the group overlapping fewest of those left, drops what it overlaps, and repeats. */
    private static List<Integer> greedy(boolean[][] overlap) {
        int g = overlap.length;
        boolean[] left = new boolean[g];
        Arrays.fill(left, true);
        List<Integer> taken = new ArrayList<>();
        while (true) {
            int pick = -1;
            int fewest = Integer.MAX_VALUE;
            for (int x = 0; x < g; x++) {
                if (!left[x]) {
                    continue;
                }
                int degree = 0;
                for (int y = 0; y < g; y++) {
                    degree += left[y] && overlap[x][y] ? 1 : 0;
                }
                if (degree < fewest) {
                    fewest = degree;
                    pick = x;
                }
            }
            if (pick < 0) {
                taken.sort(null);
                return taken;
            }
            taken.add(pick);
            left[pick] = false;
            for (int y = 0; y < g; y++) {
                left[y] &= !overlap[pick][y];
            }
        }
    }
}
