package dev.saesplit.lm.train;

import java.util.Arrays;

/**
 * What a model that looks at no context (unigram) or at one token (bigram) achieves: the held-out cross-entropy a
 * trained transformer must beat to have learned anything beyond token frequencies. Counted on the training
 * contexts and measured on the same held-out predictions as the model's held-out loss (within contexts, position
 * p predicting p + 1). The unigram is add-one smoothed; the bigram is smoothed toward the unigram,
 * P(b|a) = (c(a,b) + k·P(b)) / (c(a) + k), with k the best of a small grid on the held-out text itself, which can
 * only flatter the baseline.
 *
 * @param unigram held-out cross-entropy of the unigram model, nats per token
 * @param bigram  held-out cross-entropy of the bigram model, nats per token
 * @param bigramSmoothing the k the bigram used
 */
record NgramBaselines(double unigram, double bigram, double bigramSmoothing) {

    private static final double[] SMOOTHING = {0.01, 0.1, 1, 10, 100, 1000};

    /** Counts {@code training} and scores the first {@code heldOutContexts} contexts of {@link HeldOutSample}. */
    static NgramBaselines measure(TokenContexts training, HeldOutSample heldOut, int vocab) {
        int nCtx = training.nCtx();
        long[] unigrams = new long[vocab];
        long[] pairs = new long[Math.multiplyExact(training.count(), nCtx - 1)];
        long[] context = new long[nCtx];
        int at = 0;
        for (int c = 0; c < training.count(); c++) {
            training.copy(c, context, 0);
            for (int p = 1; p < nCtx; p++) {
                unigrams[(int) context[p]]++;
                pairs[at++] = context[p - 1] * vocab + context[p];
            }
        }
        Arrays.sort(pairs);
        int distinct = 0;
        long[] keys = new long[pairs.length];
        long[] counts = new long[pairs.length];
        for (int i = 0; i < pairs.length; i++) {
            if (distinct == 0 || keys[distinct - 1] != pairs[i]) {
                keys[distinct++] = pairs[i];
            }
            counts[distinct - 1]++;
        }
        keys = Arrays.copyOf(keys, distinct);
        counts = Arrays.copyOf(counts, distinct);
        long[] previous = new long[vocab]; // c(a): how often a is followed by anything
        for (int i = 0; i < distinct; i++) {
            previous[(int) (keys[i] / vocab)] += counts[i];
        }
        double total = pairs.length;
        double[] unigram = new double[vocab];
        for (int v = 0; v < vocab; v++) {
            unigram[v] = (unigrams[v] + 1) / (total + vocab);
        }
        double unigramLoss = 0;
        double[] bigramLoss = new double[SMOOTHING.length];
        long predictions = 0;
        long[] tokens = heldOut.tokens();
        for (int c = 0; c < heldOut.contexts(); c++) {
            for (int p = 1; p < nCtx; p++) {
                int a = (int) tokens[c * nCtx + p - 1];
                int b = (int) tokens[c * nCtx + p];
                unigramLoss -= Math.log(unigram[b]);
                int found = Arrays.binarySearch(keys, (long) a * vocab + b);
                long pair = found >= 0 ? counts[found] : 0;
                for (int k = 0; k < SMOOTHING.length; k++) {
                    bigramLoss[k] -= Math.log((pair + SMOOTHING[k] * unigram[b]) / (previous[a] + SMOOTHING[k]));
                }
                predictions++;
            }
        }
        int best = 0;
        for (int k = 1; k < SMOOTHING.length; k++) {
            if (bigramLoss[k] < bigramLoss[best]) {
                best = k;
            }
        }
        return new NgramBaselines(unigramLoss / predictions, bigramLoss[best] / predictions, SMOOTHING[best]);
    }
}
