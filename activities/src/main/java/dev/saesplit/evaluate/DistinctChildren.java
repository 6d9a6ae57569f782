package dev.saesplit.evaluate;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups children that are one child learned twice: two children whose firing overlap exceeds the limit, or whose
 * decoder directions are near-identical (a latent split by magnitude, say), count once, so a split needs that
 * many groups, not latents.
 */
final class DistinctChildren {

    /** Decoder cosine above which two children are the same direction. */
    static final double DUPLICATE_COSINE = 0.95;

    private DistinctChildren() {
    }

    /** The number of groups when every duplicate pair is joined (transitively). */
    static int count(double[][] jaccard, double[][] cosine, double maxJaccard) {
        return groups(jaccard, cosine, maxJaccard).size();
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
}
