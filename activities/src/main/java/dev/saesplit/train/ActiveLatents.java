package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
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

    /** One block of tokens' firing pairs in token order: how many per token, their latents and activations. */
    record Rows(int[] counts, int[] latent, float[] value) {
        int pairs() {
            return latent.length;
        }
    }

    /**
     * The entries {@code > 0} of {@code latents [tokens, d_sae]} (every architecture's firing set), or empty as
     * soon as there are more than {@code maxPairs}: the caller then takes the dense path. Reads the array in place.
     */
    static Optional<Rows> rowsOf(NDArray latents, long maxPairs) {
        int tokens = (int) latents.getShape().get(0);
        int width = (int) latents.getShape().get(1);
        FloatBuffer view = latents.toByteBuffer(true).asFloatBuffer(); // the array's own memory, not a copy
        int chunks = (tokens + TOKEN_CHUNK - 1) / TOKEN_CHUNK;
        int[][] chunkLatents = new int[chunks][];
        float[][] chunkValues = new float[chunks][];
        int[] chunkPairs = new int[chunks];
        int[] counts = new int[tokens];
        AtomicLong total = new AtomicLong();
        IntStream.range(0, chunks).parallel().forEach(c -> {
            float[] row = new float[width];
            int[] indices = new int[TOKEN_CHUNK * 16];
            float[] values = new float[indices.length];
            int count = 0;
            int end = Math.min(tokens, (c + 1) * TOKEN_CHUNK);
            for (int b = c * TOKEN_CHUNK; b < end; b++) {
                if (total.get() > maxPairs) {
                    return; // too dense: the decision is made
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
                counts[b] = count - before;
                total.addAndGet(counts[b]); // per row, so a dense batch is given up on after a few rows
            }
            chunkLatents[c] = indices;
            chunkValues[c] = values;
            chunkPairs[c] = count;
        });
        if (total.get() > maxPairs) {
            return Optional.empty();
        }
        int[] latent = new int[(int) total.get()];
        float[] value = new float[latent.length];
        for (int c = 0, at = 0; c < chunks; at += chunkPairs[c], c++) {
            System.arraycopy(chunkLatents[c], 0, latent, at, chunkPairs[c]);
            System.arraycopy(chunkValues[c], 0, value, at, chunkPairs[c]);
        }
        return Optional.of(new Rows(counts, latent, value));
    }

    /**
     * The pairs of a compact activation ({@code [tokens, m]} latent indices and values, as
     * {@code SaeArchitecture.activateCompact} gives them): entries {@code > 0}, except the zero-target latent.
     */
    static Rows rowsOfCompact(NDArray indices, NDArray values, OptionalInt zeroTarget) {
        int tokens = (int) indices.getShape().get(0);
        int width = (int) indices.getShape().get(1);
        long[] latents = indices.toLongArray();
        float[] activations = values.toFloatArray();
        int excluded = zeroTarget.orElse(-1);
        int[] counts = new int[tokens];
        int[] latent = new int[latents.length];
        float[] value = new float[latents.length];
        int count = 0;
        for (int b = 0, p = 0; b < tokens; b++) {
            int before = count;
            for (int k = 0; k < width; k++, p++) {
                if (activations[p] > 0 && latents[p] != excluded) {
                    latent[count] = (int) latents[p];
                    value[count++] = activations[p];
                }
            }
            counts[b] = count - before;
        }
        return new Rows(counts, Arrays.copyOf(latent, count), Arrays.copyOf(value, count));
    }

    /** The pairs of consecutive blocks of tokens, in order, over {@code latents} latents. */
    static ActiveLatents of(List<Rows> blocks, int latents) {
        int tokens = 0;
        int pairs = 0;
        for (Rows block : blocks) {
            tokens += block.counts().length;
            pairs += block.pairs();
        }
        int[] tokenStart = new int[tokens + 1];
        int[] latent = new int[pairs];
        float[] value = new float[pairs];
        int b = 0;
        for (Rows block : blocks) {
            System.arraycopy(block.latent(), 0, latent, tokenStart[b], block.pairs());
            System.arraycopy(block.value(), 0, value, tokenStart[b], block.pairs());
            for (int count : block.counts()) {
                tokenStart[b + 1] = tokenStart[b] + count;
                b++;
            }
        }
        return new ActiveLatents(tokens, latents, tokenStart, latent, value);
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
