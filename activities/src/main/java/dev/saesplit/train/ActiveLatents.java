package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import dev.saesplit.sae.ThreadScratch;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * The firing (token, latent) pairs of one batch with their activations, in two orders: by token, for the decoder
 * forward and the pre-activation gradient, and by latent, so the gradients of W_dec and W_enc are sums into
 * rows that one thread owns, always in ascending token order (the result does not depend on thread timing).
 *
 * <p>One instance serves every step of a trainer: {@link #clear}, append the batch's blocks of tokens in order,
 * then {@link #index}. Its arrays grow to the largest batch's pairs and are reused, so a step allocates next to
 * nothing on the Java heap. The arrays may be longer than {@link #pairs()}; only the first {@code pairs()} entries
 * (and {@code tokens + 1}, {@code latents + 1} offsets) belong to the current batch.
 */
final class ActiveLatents {

    /** Tokens per unit of parallel work; fixed, so the work split and therefore every sum is reproducible. */
    static final int TOKEN_CHUNK = 64;

    final int tokens;
    final int latents;
    /** Pairs of token {@code b} are positions {@code [tokenStart[b], tokenStart[b+1])}. */
    final int[] tokenStart;
    int[] latent = new int[0];
    float[] value = new float[0];
    /** Pairs of latent {@code j} are {@code byLatent[latentStart[j] .. latentStart[j+1])}, positions in token order. */
    final int[] latentStart;
    int[] byLatent = new int[0];
    /** The token of each position. */
    int[] token = new int[0];

    private int pairs;
    private int appendedTokens;
    private int[] next = new int[0];
    private final ChunkScratch[] scratch;
    private static final ThreadScratch ROW = new ThreadScratch();

    /** @param maxBlockTokens the most tokens one {@link #appendDense} call brings */
    ActiveLatents(int tokens, int latents, int maxBlockTokens) {
        this.tokens = tokens;
        this.latents = latents;
        this.tokenStart = new int[tokens + 1];
        this.latentStart = new int[latents + 1];
        this.scratch = new ChunkScratch[(maxBlockTokens + TOKEN_CHUNK - 1) / TOKEN_CHUNK];
        for (int c = 0; c < scratch.length; c++) {
            scratch[c] = new ChunkScratch();
        }
    }

    /** Forgets the pairs of the last batch. */
    void clear() {
        pairs = 0;
        appendedTokens = 0;
    }

    /**
     * Appends the next {@code blockTokens} tokens from a compact activation ({@code [blockTokens, width]} latent
     * indices and values, as {@code SaeArchitecture.activateCompact} writes them): entries {@code > 0}, except
     * latent {@code excluded} (the zero-target latent, or -1).
     */
    void appendCompact(int[] compactLatents, float[] compactValues, int blockTokens, int width, int excluded) {
        ensurePairs(pairs + blockTokens * width);
        for (int b = 0, p = 0; b < blockTokens; b++) {
            for (int k = 0; k < width; k++, p++) {
                if (compactValues[p] > 0 && compactLatents[p] != excluded) {
                    latent[pairs] = compactLatents[p];
                    value[pairs++] = compactValues[p];
                }
            }
            tokenStart[++appendedTokens] = pairs;
        }
    }

    /**
     * Sets the batch's pairs to {@code count} (token, latent, value) triples ordered by token, except latent
     * {@code excluded} (or -1) and, where {@code positiveOnly}, entries {@code <= 0}; tokens may have no pairs.
     * Replaces what was appended; {@link #index} follows as usual.
     */
    void setPairs(int[] tokens, int[] latents, float[] values, int count, int excluded, boolean positiveOnly) {
        clear();
        ensurePairs(count);
        for (int p = 0; p < count; p++) {
            if ((values[p] > 0 || !positiveOnly) && latents[p] != excluded) {
                while (appendedTokens < tokens[p]) {
                    tokenStart[++appendedTokens] = pairs;
                }
                latent[pairs] = latents[p];
                value[pairs++] = values[p];
            }
        }
        while (appendedTokens < this.tokens) {
            tokenStart[++appendedTokens] = pairs;
        }
    }

    /**
     * Appends the entries {@code > 0} of the next block of latents ({@code [blockTokens, latents]}, read in place),
     * except column {@code excluded}; false as soon as the batch holds more than {@code maxPairs}, and the caller
     * then takes the dense path (this instance must be cleared before its next use).
     */
    boolean appendDense(NDArray block, long maxPairs, int excluded) {
        int blockTokens = (int) block.getShape().get(0);
        if (blockTokens > scratch.length * TOKEN_CHUNK) {
            throw new IllegalArgumentException(blockTokens + " tokens in one block, at most "
                    + scratch.length * TOKEN_CHUNK);
        }
        FloatBuffer view = block.toByteBuffer(true).asFloatBuffer(); // the array's own memory, not a copy
        int chunks = (blockTokens + TOKEN_CHUNK - 1) / TOKEN_CHUNK;
        int first = appendedTokens;
        AtomicLong total = new AtomicLong(pairs);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            ChunkScratch s = scratch[c];
            s.count = 0;
            float[] row = ROW.get(latents);
            int end = Math.min(blockTokens, (c + 1) * TOKEN_CHUNK);
            for (int b = c * TOKEN_CHUNK; b < end; b++) {
                if (total.get() > maxPairs) {
                    return; // too dense: the decision is made
                }
                view.get(b * latents, row, 0, latents);
                int before = s.count;
                for (int j = 0; j < latents; j++) {
                    if (row[j] > 0 && j != excluded) {
                        s.add(j, row[j]);
                    }
                }
                tokenStart[first + b + 1] = s.count - before; // a count for now; offsets below
                total.addAndGet(s.count - before); // per row, so a dense batch is given up on after a few rows
            }
        });
        if (total.get() > maxPairs) {
            return false;
        }
        ensurePairs((int) total.get());
        for (int c = 0; c < chunks; c++) {
            System.arraycopy(scratch[c].latent, 0, latent, pairs, scratch[c].count);
            System.arraycopy(scratch[c].value, 0, value, pairs, scratch[c].count);
            pairs += scratch[c].count;
        }
        for (int b = first; b < first + blockTokens; b++) {
            tokenStart[b + 1] += tokenStart[b];
        }
        appendedTokens += blockTokens;
        return true;
    }

    /** Orders the pairs by latent; call once every token of the batch has been appended. */
    void index() {
        if (appendedTokens != tokens) {
            throw new IllegalStateException(appendedTokens + " of " + tokens + " tokens appended");
        }
        if (token.length < pairs) {
            token = new int[latent.length];
            byLatent = new int[latent.length];
        }
        for (int b = 0; b < tokens; b++) {
            Arrays.fill(token, tokenStart[b], tokenStart[b + 1], b);
        }
        // counting sort by latent, stable, so each latent's pairs stay in token order
        Arrays.fill(latentStart, 0);
        for (int p = 0; p < pairs; p++) {
            latentStart[latent[p] + 1]++;
        }
        for (int j = 0; j < latents; j++) {
            latentStart[j + 1] += latentStart[j];
        }
        if (next.length < latents) {
            next = new int[latents];
        }
        System.arraycopy(latentStart, 0, next, 0, latents);
        for (int p = 0; p < pairs; p++) {
            byLatent[next[latent[p]]++] = p;
        }
    }

    int pairs() {
        return pairs;
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

    private void ensurePairs(int size) {
        if (latent.length < size) {
            int capacity = Math.max(size, latent.length + latent.length / 2);
            latent = Arrays.copyOf(latent, capacity);
            value = Arrays.copyOf(value, capacity);
        }
    }

    /** One chunk of tokens' pairs while a dense block is read, kept between steps. */
    private static final class ChunkScratch {
        int[] latent = new int[TOKEN_CHUNK * 16];
        float[] value = new float[TOKEN_CHUNK * 16];
        int count;

        void add(int j, float v) {
            if (count == latent.length) {
                latent = Arrays.copyOf(latent, count * 2);
                value = Arrays.copyOf(value, count * 2);
            }
            latent[count] = j;
            value[count++] = v;
        }
    }
}
