package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The firing (token, latent) pairs of one batch with their activations, in two orders: by token, for the decoder
 * forward and the pre-activation gradient, and by latent, so the gradients of W_dec and W_enc are sums into
 * rows that one thread owns, always in ascending token order (the result does not depend on thread timing).
 */
final class ActiveLatents {

    /** Tokens per unit of parallel work; fixed, so the work split and therefore every sum is reproducible. */
    static final int TOKEN_CHUNK = 64;

    final int tokens;
    final int latents;
    /** Pairs of token {@code b} are positions {@code [tokenStart[b], tokenStart[b+1])}. */
    final int[] tokenStart;
    final int[] latent;
    final float[] value;
    /** Pairs of latent {@code j} are {@code byLatent[latentStart[j] .. latentStart[j+1])}, positions in token order. */
    final int[] latentStart;
    final int[] byLatent;
    /** The token of each position. */
    final int[] token;

    private ActiveLatents(int tokens, int latents, int[] tokenStart, int[] latent, float[] value) {
        this.tokens = tokens;
        this.latents = latents;
        this.tokenStart = tokenStart;
        this.latent = latent;
        this.value = value;
        int pairs = latent.length;
        this.token = new int[pairs];
        for (int b = 0; b < tokens; b++) {
            Arrays.fill(token, tokenStart[b], tokenStart[b + 1], b);
        }
        // counting sort by latent, stable, so each latent's pairs stay in token order
        this.latentStart = new int[latents + 1];
        for (int p = 0; p < pairs; p++) {
            latentStart[latent[p] + 1]++;
        }
        for (int j = 0; j < latents; j++) {
            latentStart[j + 1] += latentStart[j];
        }
        int[] next = Arrays.copyOf(latentStart, latents);
        this.byLatent = new int[pairs];
        for (int p = 0; p < pairs; p++) {
            byLatent[next[latent[p]]++] = p;
        }
    }

    /**
     * The entries {@code > 0} of {@code latents [tokens, d_sae]} (every architecture's firing set), or empty when
     * there are more than {@code maxPairs}: the caller then takes the dense path. Reads the array in place.
     */
    static Optional<ActiveLatents> extract(NDArray latents, long maxPairs) {
        int tokens = (int) latents.getShape().get(0);
        int width = (int) latents.getShape().get(1);
        FloatBuffer view = latents.toByteBuffer(true).asFloatBuffer();
        int chunks = (tokens + TOKEN_CHUNK - 1) / TOKEN_CHUNK;
        int[][] chunkLatents = new int[chunks][];
        float[][] chunkValues = new float[chunks][];
        int[] rowCounts = new int[tokens];
        AtomicLong total = new AtomicLong();
        IntStream.range(0, chunks).parallel().forEach(c -> {
            float[] row = new float[width];
            int[] indices = new int[Math.max(16, TOKEN_CHUNK * 8)];
            float[] values = new float[indices.length];
            int count = 0;
            int end = Math.min(tokens, (c + 1) * TOKEN_CHUNK);
            for (int b = c * TOKEN_CHUNK; b < end; b++) {
                if (count > maxPairs || total.get() > maxPairs) {
                    total.addAndGet(count); // the decision is made: too dense (and the total now says so)
                    return;
                }
                view.get(b * width, row, 0, width);
                int before = count;
                for (int j = 0; j < width; j++) {
                    if (row[j] > 0) {
                        if (count == indices.length) {
                            indices = Arrays.copyOf(indices, count * 2);
                            values = Arrays.copyOf(values, count * 2);
                        }
                        indices[count] = j;
                        values[count++] = row[j];
                    }
                }
                rowCounts[b] = count - before;
            }
            total.addAndGet(count);
            chunkLatents[c] = indices;
            chunkValues[c] = values;
        });
        long pairs = total.get();
        if (pairs > maxPairs) {
            return Optional.empty();
        }
        int[] tokenStart = new int[tokens + 1];
        for (int b = 0; b < tokens; b++) {
            tokenStart[b + 1] = tokenStart[b] + rowCounts[b];
        }
        int[] latent = new int[(int) pairs];
        float[] value = new float[(int) pairs];
        for (int c = 0; c < chunks; c++) {
            int from = tokenStart[c * TOKEN_CHUNK];
            int length = tokenStart[Math.min(tokens, (c + 1) * TOKEN_CHUNK)] - from;
            System.arraycopy(chunkLatents[c], 0, latent, from, length);
            System.arraycopy(chunkValues[c], 0, value, from, length);
        }
        return Optional.of(new ActiveLatents(tokens, width, tokenStart, latent, value));
    }

    int pairs() {
        return latent.length;
    }

    /** Per latent, the sum of {@code perPair} over its pairs, in token order. */
    float[] latentSums(float[] perPair) {
        float[] sums = new float[latents];
        for (int j = 0; j < latents; j++) {
            float sum = 0;
            for (int k = latentStart[j]; k < latentStart[j + 1]; k++) {
                sum += perPair[byLatent[k]];
            }
            sums[j] = sum;
        }
        return sums;
    }

    /** Per latent, the tokens on which it fired. */
    float[] latentCounts() {
        float[] counts = new float[latents];
        for (int j = 0; j < latents; j++) {
            counts[j] = latentStart[j + 1] - latentStart[j];
        }
        return counts;
    }
}
