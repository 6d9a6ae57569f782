package dev.saesplit.bench;

import dev.saesplit.data.stream.ModelActivationStream;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.train.SaeTrainer;
import dev.saesplit.train.TrainerConfig;
import dev.saesplit.train.TrainingListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Training from a stream against training from a cache, in one run, on the model of {@link CachingBenchmark}
 * (gelu-1l's shape, random weights, {@code blocks.0.hook_mlp_out}, contexts of 128): the same contexts are cached
 * and described as a stream, the rows checked equal, and an SAE of {@code dSae} latents trained for one epoch of
 * them from each, through the shuffle each uses (after an untimed epoch that warms the trainer up). Training from the stream pays for the forward passes of every batch it
 * reads; training from the cache reads stored rows (caching them costs the same forward passes once, timed apart).
 */
public final class StreamingBenchmark {

    /**
     * @param cachingSeconds           forwarding the contexts and writing the cache
     * @param cacheTokensPerSecond     training tokens/s reading the cache
     * @param streamTokensPerSecond    training tokens/s reading the stream
     * @param forwardTokensPerSecond   the stream's forward passes alone: rows computed per second of reading
     * @param rowsEqual                whether the stream's rows equal the cache's, bit for bit
     */
    public record Result(String device, int contexts, int contextSize, int forwardContexts, int dSae, int batchSize,
                         int steps, double cachingSeconds, double cacheTokensPerSecond,
                         double streamTokensPerSecond, double forwardTokensPerSecond, boolean rowsEqual,
                         long cacheBytes, long streamBytes) {

        public String describe() {
            long tokens = (long) contexts * contextSize;
            return String.format("""
                    device              %s
                    model               gelu-1l shape: 1 layer, d_model 512, d_mlp 2048, vocab 48262, random \
                    weights; hook blocks.0.hook_mlp_out
                    data                %d contexts of %d tokens (%d tokens), %d contexts per forward pass
                    SAE                 512 → %d latents, batch %d, %d timed steps (one epoch) from each source
                    rows equal          %s (stream vs cache, bit for bit)
                    disk                cache %.1f MB (%.0f B/token), stream %.2f MB (%.1f B/token, without its \
                    copy of the weights)
                    caching             %.1f s (%.0f tokens/s), once per cache
                    forward             %.0f tokens/s (the stream's reads alone)
                    train from cache    %.0f tokens/s
                    train from stream   %.0f tokens/s
                    stream / cache      %.2f""", device, contexts, contextSize, tokens, forwardContexts, dSae,
                    batchSize, steps, rowsEqual ? "yes" : "NO", cacheBytes / 1e6, (double) cacheBytes / tokens,
                    streamBytes / 1e6, (double) streamBytes / tokens, cachingSeconds, tokens / cachingSeconds,
                    forwardTokensPerSecond, cacheTokensPerSecond, streamTokensPerSecond,
                    streamTokensPerSecond / cacheTokensPerSecond);
        }
    }

    private StreamingBenchmark() {
    }

    /**
     * @param contexts        contexts cached and streamed (at least one training batch of them)
     * @param forwardContexts contexts per forward pass (the spec's {@code batch_size})
     * @param dSae            latents of the SAE trained
     * @param batchSize       tokens per training step
     */
    public static Result run(int contexts, int contextSize, int forwardContexts, int dSae, int batchSize) {
        try (RandomModelActivations activations = RandomModelActivations.write(contexts, contextSize,
                forwardContexts);
             ActivationCacheReader cache = ActivationCacheReader.open(activations.cache());
             ModelActivationStream check = activations.openStream()) {
            int steps = Math.toIntExact(activations.tokens() / batchSize);
            boolean equal = RandomModelActivations.sameRows(cache, check);
            double forward = forwardRate(activations);
            ShuffleConfig cacheShuffle = ShuffleConfig.forWidth(batchSize, 1, cache.dIn());
            trainingRate(cache, cacheShuffle, dSae, batchSize, steps); // warms the trainer's code up, untimed
            double fromCache = trainingRate(cache, cacheShuffle, dSae, batchSize, steps);
            double fromStream;
            try (ModelActivationStream stream = activations.openStream()) {
                fromStream = trainingRate(stream, stream.shuffleConfig(batchSize, 1), dSae, batchSize, steps);
            }
            return new Result(ComputeDevice.selected().toString(), contexts, contextSize, forwardContexts, dSae,
                    batchSize, steps, activations.cachingSeconds(), fromCache, fromStream, forward, equal,
                    activations.cacheBytes(), activations.streamBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows per second a fresh stream computes when read in order: its forward passes and nothing else. */
    private static double forwardRate(RandomModelActivations activations) {
        try (ModelActivationStream fresh = activations.openStream()) {
            int chunk = fresh.shuffleConfig(1, 0).chunkRows();
            float[] rows = new float[chunk * fresh.dIn()];
            long start = System.nanoTime();
            long read = 0;
            for (long at = 0; at + chunk <= fresh.tokens(); at += chunk) {
                fresh.read(at, chunk, rows, 0);
                read += chunk;
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Tokens/s of {@code steps} steps from a fresh shuffle of {@code source}, timed from the first step: over a
     * whole epoch every row is read once, so a stream's forward passes are all inside the time.
     */
    private static double trainingRate(ActivationSource source, ShuffleConfig shuffle, int dSae, int batchSize,
                                       int steps) {
        TrainerConfig config = TrainerConfig.builder(steps).learningRate(1e-3).sparsityCoefficient(1.0)
                .logEvery(steps).build();
        SaeWeights initial = KaimingInitializer.initialize(SaeConfig.of(source.dIn(), dSae, new StandardArchitecture(),
                "benchmark", "benchmark"), KaimingInitializer.DEFAULT_DECODER_NORM, 1);
        try (ShuffledBatchStream batches = new ShuffledBatchStream(source, shuffle);
             SaeTrainer trainer = SaeTrainer.start(config, initial, batches, TrainingListener.NONE,
                     Optional.empty())) {
            long start = System.nanoTime();
            trainer.runUntil(steps);
            return (double) steps * batchSize / ((System.nanoTime() - start) / 1e9);
        }
    }
}
