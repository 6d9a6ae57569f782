package dev.saesplit.bench;

import dev.saesplit.data.stream.ModelActivationStream;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.train.GridBenchmark;
import dev.saesplit.train.TrainingBenchmark;

import java.util.Locale;

/**
 * The grid where one pass saves work: rows trained together from a model's stream, each batch forwarded once for
 * all of them, against the same rows trained one by one from a cache of the same activations, which forwards
 * nothing while training (its writing forwarded every context once, timed apart). The model, its stream and its
 * cache are {@link StreamingBenchmark}'s ({@link RandomModelActivations}); each side trains for one epoch of the
 * contexts, so every forward pass of the stream is inside the one-pass time.
 */
public final class StreamedGridBenchmark {

    /**
     * @param grid                 the two ways' rates and batches read
     * @param rowsEqual            whether the stream's rows equal the cache's, bit for bit
     * @param togetherContexts     contexts the one-pass side's stream ran through the model while timed
     * @param togetherForwardSeconds the part of the one-pass side's time those forward passes took
     * @param cachingContexts      contexts the cache's writing ran through the model, once, untimed
     * @param cachingSeconds       that writing's time: its forward passes and shard files
     */
    public record Result(GridBenchmark.Result grid, String device, int contexts, int contextSize,
                         int forwardContexts, boolean rowsEqual, long togetherContexts, double togetherForwardSeconds,
                         long cachingContexts, double cachingSeconds, String loadBefore, String loadAfter) {

        /** Epochs of the contexts each row trained for. */
        public double epochs() {
            GridBenchmark.Settings s = grid.settings();
            return (double) s.steps() * s.batch() / ((long) contexts * contextSize);
        }

        public String describe() {
            long tokens = (long) contexts * contextSize;
            return grid.describe() + "\n" + String.format(Locale.ROOT, """
                    model         gelu-1l shape, random weights, %s on %s: %d contexts of %d tokens, %d contexts \
                    per forward pass
                    forward       one pass: %,d contexts forwarded while timed, %.2f per context per epoch \
                    (%.2f epochs, reading the stream), in %.1f s of its %.1f s (%,.0f tokens/s)
                    forward       row by row: none in its %.1f s (reading the cache; rows equal the stream's: %s); \
                    writing the cache forwarded %,d contexts once, in %.1f s (%,.0f tokens/s), untimed
                    load average  %s before, %s after""", RandomModelActivations.HOOK, device, contexts,
                    contextSize, forwardContexts, togetherContexts, togetherContexts / (contexts * epochs()),
                    epochs(), togetherForwardSeconds, grid.togetherSeconds(),
                    togetherContexts * contextSize / togetherForwardSeconds, grid.oneByOneSeconds(),
                    rowsEqual ? "yes" : "NO", cachingContexts, cachingSeconds, tokens / cachingSeconds, loadBefore,
                    loadAfter);
        }
    }

    private StreamedGridBenchmark() {
    }

    /**
     * Writes {@code contexts} random contexts of {@code contextSize} tokens as a cache and as a stream
     * ({@code forwardContexts} contexts per forward pass), then trains {@code rows} SAEs of {@code dSae} latents for
     * one epoch of them, {@code batch} tokens per step: together from the stream, and one by one from the cache
     * after {@code warmup} untimed steps.
     */
    public static Result run(int contexts, int contextSize, int forwardContexts, int rows, int dSae, int batch,
                             int warmup) {
        String loadBefore = TrainingBenchmark.loadAverage();
        try (RandomModelActivations activations = RandomModelActivations.write(contexts, contextSize,
                forwardContexts);
             ActivationCacheReader cache = ActivationCacheReader.open(activations.cache());
             ModelActivationStream stream = activations.openStream()) {
            boolean equal;
            try (ModelActivationStream check = activations.openStream()) {
                equal = RandomModelActivations.sameRows(cache, check);
            }
            int steps = Math.toIntExact(activations.tokens() / batch);
            GridBenchmark.Result grid = GridBenchmark.run(new GridBenchmark.Settings(rows, dSae, batch, steps, warmup),
                    stream, seed -> stream.shuffleConfig(batch, seed), cache);
            return new Result(grid, ComputeDevice.selected().toString(), contexts, contextSize, forwardContexts, equal,
                    stream.contextsForwarded(), stream.forwardSeconds(), activations.cachingContexts(),
                    activations.cachingSeconds(), loadBefore, TrainingBenchmark.loadAverage());
        }
    }
}
