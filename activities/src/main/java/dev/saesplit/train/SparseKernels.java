package dev.saesplit.train;

import dev.saesplit.sae.ThreadScratch;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * The products of the backward pass restricted to the active (token, latent) pairs, on the host: each costs
 * pairs × d_in multiply-adds instead of tokens × d_sae × d_in. libtorch as DJL exposes it has no scatter-add,
 * embedding bag or sampled product to build these from, and gathering the rows first would materialise
 * pairs × d_in floats. Work is split in fixed chunks, each writing only its own outputs, so results do not
 * depend on the number of threads or their timing. Matrices are row-major {@code float[]}; the row updates run
 * through {@link Axpy}, in vector form where the JVM has it.
 */
final class SparseKernels {

    /** Latents per unit of parallel work in the by-latent kernel: 16 floats of a transposed row fill a cache line. */
    private static final int LATENT_CHUNK = 16;
    /** Each thread's sums for a chunk of latents, in both layouts, and one column of the transposed sums. */
    private static final ThreadScratch BLOCK = new ThreadScratch();
    private static final ThreadScratch BLOCK_T = new ThreadScratch();
    private static final ThreadScratch COLUMN = new ThreadScratch();

    private SparseKernels() {
    }

    /** {@code out[b] = Σ_{(b,j)} f_bj · rows[j] − subtract[b]}: the decoder forward minus the target. */
    static void decodeMinus(ActiveLatents active, float[] rows, float[] subtract, int width, float[] out) {
        forChunks(active.tokens, ActiveLatents.TOKEN_CHUNK, (from, to) -> {
            for (int b = from; b < to; b++) {
                int o = b * width;
                for (int i = 0; i < width; i++) {
                    out[o + i] = -subtract[o + i];
                }
                for (int p = active.tokenStart[b]; p < active.tokenStart[b + 1]; p++) {
                    Axpy.BEST.apply(active.value[p], rows, active.latent[p] * width, out, o, width);
                }
            }
        });
    }

    /**
     * {@code out[p] = tokenRows[b] · latentRows[j] + bias[j]} for each pair p = (b, j) (a product sampled at the
     * active pairs); {@code bias} may be null.
     */
    static void sampledProduct(ActiveLatents active, float[] tokenRows, float[] latentRows, float[] bias, int width,
                               float[] out) {
        forChunks(active.tokens, ActiveLatents.TOKEN_CHUNK, (from, to) -> {
            for (int b = from; b < to; b++) {
                int o = b * width;
                for (int p = active.tokenStart[b]; p < active.tokenStart[b + 1]; p++) {
                    int j = active.latent[p];
                    float dot = dot(tokenRows, o, latentRows, j * width, width);
                    out[p] = bias == null ? dot : dot + bias[j];
                }
            }
        });
    }

    /**
     * Two sums over each latent's pairs in one pass: {@code out[j] = Σ_{(b,j)} weight_p · tokenRows[b]} as a
     * {@code [d_sae, width]} matrix, and the same with {@code weightT} and {@code tokenRowsT} written transposed,
     * {@code [width, d_sae]} (the layout of W_enc). Both outputs are written whole (latents without pairs get zero
     * rows), each chunk of latents summed in this thread's scratch and then copied out in bulk, so they may be
     * views of native arrays.
     */
    static void scatterRows(ActiveLatents active, float[] weight, float[] tokenRows, FloatBuffer out,
                            float[] weightT, float[] tokenRowsT, FloatBuffer outT, int width) {
        int latents = active.latents;
        forChunks(latents, LATENT_CHUNK, (from, to) -> {
            int rows = to - from;
            float[] block = BLOCK.get(rows * width);
            float[] blockT = BLOCK_T.get(rows * width);
            Arrays.fill(block, 0, rows * width, 0f);
            Arrays.fill(blockT, 0, rows * width, 0f);
            for (int j = from; j < to; j++) {
                int o = (j - from) * width;
                for (int k = active.latentStart[j]; k < active.latentStart[j + 1]; k++) {
                    int p = active.byLatent[k];
                    int r = active.token[p] * width;
                    Axpy.BEST.apply(weight[p], tokenRows, r, block, o, width);
                    Axpy.BEST.apply(weightT[p], tokenRowsT, r, blockT, o, width);
                }
            }
            out.put(from * width, block, 0, rows * width); // rows from..to of out are contiguous
            // a chunk's block is a few kB, so its column-wise reads stay in the first-level cache
            float[] column = COLUMN.get(rows);
            for (int i = 0; i < width; i++) {
                for (int j = 0; j < rows; j++) {
                    column[j] = blockT[j * width + i];
                }
                outT.put(i * latents + from, column, 0, rows);
            }
        });
    }

    /** Eight partial sums, so the loop is bound by loads rather than by the latency of one chain of adds. */
    private static float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= length; i += 8) {
            s0 += a[aOffset + i] * b[bOffset + i];
            s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
            s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
            s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
            s4 += a[aOffset + i + 4] * b[bOffset + i + 4];
            s5 += a[aOffset + i + 5] * b[bOffset + i + 5];
            s6 += a[aOffset + i + 6] * b[bOffset + i + 6];
            s7 += a[aOffset + i + 7] * b[bOffset + i + 7];
        }
        for (; i < length; i++) {
            s0 += a[aOffset + i] * b[bOffset + i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    static void forChunks(int count, int chunk, Range body) {
        int chunks = (count + chunk - 1) / chunk;
        IntStream.range(0, chunks).parallel().forEach(c -> body.run(c * chunk, Math.min(count, (c + 1) * chunk)));
    }
}
