package dev.saesplit.bench;

import ai.djl.ndarray.NDManager;
import dev.saesplit.activations.CachingListener;
import dev.saesplit.activations.ModelActivationCache;
import dev.saesplit.data.stream.ModelActivationStream;
import dev.saesplit.data.stream.StreamDescriptor;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.data.cache.CacheShard;
import dev.saesplit.data.cache.ModelProvenance;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.ContextBatcher;
import dev.saesplit.lm.dataset.ContextSettings;
import dev.saesplit.lm.dataset.NpyTokenDocuments;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.WeightProcessing;
import dev.saesplit.train.TrainingBenchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * The same contexts of a random model of gelu-1l's shape ({@link CachingBenchmark}) at {@code blocks.0.hook_mlp_out},
 * written as a cache (timed: the forward passes and shard files, once) and described as a stream of the same rows,
 * for benchmarks that compare training from one with training from the other. The model stays uploaded until
 * {@link #close()}, which also removes the files.
 */
final class RandomModelActivations implements AutoCloseable {

    static final String HOOK = "blocks.0.hook_mlp_out";

    private final int contexts;
    private final int contextSize;
    private final int forwardContexts;
    private final Path root;
    private final NDManager manager;
    private final Transformer model;
    private final HookPoint hook;
    private final Path cache;
    private final Path stream;
    private final double cachingSeconds;
    private final long cachingContexts;

    private RandomModelActivations(int contexts, int contextSize, int forwardContexts, Path root, NDManager manager,
                                   Transformer model, HookPoint hook, Path cache, Path stream, double cachingSeconds,
                                   long cachingContexts) {
        this.contexts = contexts;
        this.contextSize = contextSize;
        this.forwardContexts = forwardContexts;
        this.root = root;
        this.manager = manager;
        this.model = model;
        this.hook = hook;
        this.cache = cache;
        this.stream = stream;
        this.cachingSeconds = cachingSeconds;
        this.cachingContexts = cachingContexts;
    }

    /**
     * Draws {@code contexts} random contexts of {@code contextSize} tokens, caches their activations
     * {@code forwardContexts} contexts per forward pass, and writes the stream of the same contexts and passes.
     */
    static RandomModelActivations write(int contexts, int contextSize, int forwardContexts) {
        TransformerWeights weights = CachingBenchmark.randomWeights(CachingBenchmark.gelu1lShape());
        HookPoint hook = HookPoint.validate(HOOK, weights.config());
        Path root = TrainingBenchmark.temporaryDirectory();
        NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
        Transformer model = null;
        try {
            model = Transformer.upload(weights, manager);
            Path tokens = CachingBenchmark.randomTokens(root.resolve("tokens.npy"), contexts, contextSize);
            ContextBatcher batcher = new ContextBatcher(new NpyTokenDocuments(tokens),
                    new ContextSettings(contextSize, false, false, ContextSettings.UNLIMITED), OptionalInt.empty());
            ModelActivationCache writer = new ModelActivationCache(model, hook, batcher, contexts, forwardContexts,
                    ModelActivationCache.DEFAULT_SHARD_BYTES);
            Path work = Files.createDirectories(root.resolve("work"));
            Path cache = Files.createDirectories(root.resolve("cache"));
            long start = System.nanoTime();
            List<CacheShard> shards = writer.write(work, manager, CachingListener.NONE);
            ModelActivationCache.finish(work, cache, new CacheDescription("gelu-1l-shape", hook.name(),
                    CachingBenchmark.D_MODEL, provenance()), shards);
            double cachingSeconds = (System.nanoTime() - start) / 1e9;

            Path stream = Files.createDirectories(root.resolve("stream"));
            Files.move(tokens, stream.resolve(StreamDescriptor.TOKENS_FILE));
            JsonArtifacts.write(stream.resolve(StreamDescriptor.FILE_NAME), new StreamDescriptor(
                    StreamDescriptor.FORMAT_VERSION, "gelu-1l-shape", hook.name(), CachingBenchmark.D_MODEL,
                    contextSize, contexts, forwardContexts, ActivationSourceSpec.Streaming.DEFAULT_BUFFER_TOKENS,
                    WeightProcessing.NONE, "random weights", provenance()));
            return new RandomModelActivations(contexts, contextSize, forwardContexts, root, manager, model, hook,
                    cache, stream, cachingSeconds, writer.contextsForwarded());
        } catch (IOException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            manager.close();
            TrainingBenchmark.deleteQuietly(root);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot write the benchmark's activations in " + root, io);
            }
            throw (RuntimeException) e;
        }
    }

    private static ModelProvenance provenance() {
        return new ModelProvenance("random weights", "none", List.of());
    }

    /** The cache's directory. */
    Path cache() {
        return cache;
    }

    /** The stream's directory (its descriptor and tokens; the model is this instance's, see {@link #openStream}). */
    Path stream() {
        return stream;
    }

    /** A fresh stream of the rows, running this instance's model: nothing forwarded yet, nothing kept. */
    ModelActivationStream openStream() {
        ModelActivationStream opened = ModelActivationStream.open(stream);
        opened.useModel(model, hook, manager);
        return opened;
    }

    /** Whether the stream's first rows (up to 8,192) equal the cache's, bit for bit. */
    static boolean sameRows(ActivationSource a, ActivationSource b) {
        int rows = (int) Math.min(a.tokens(), 8192);
        float[] x = new float[rows * a.dIn()];
        float[] y = new float[rows * b.dIn()];
        a.read(0, rows, x, 0);
        b.read(0, rows, y, 0);
        return Arrays.equals(x, y);
    }

    int contexts() {
        return contexts;
    }

    int contextSize() {
        return contextSize;
    }

    int forwardContexts() {
        return forwardContexts;
    }

    long tokens() {
        return (long) contexts * contextSize;
    }

    /** Seconds writing the cache took: its forward passes and shard files. */
    double cachingSeconds() {
        return cachingSeconds;
    }

    /** Contexts the cache's writing ran through the model. */
    long cachingContexts() {
        return cachingContexts;
    }

    long cacheBytes() throws IOException {
        try (var files = Files.walk(cache)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The stream's tokens and descriptor (it holds no copy of the weights here). */
    long streamBytes() throws IOException {
        return Files.size(stream.resolve(StreamDescriptor.TOKENS_FILE))
                + Files.size(stream.resolve(StreamDescriptor.FILE_NAME));
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            manager.close();
            TrainingBenchmark.deleteQuietly(root);
        }
    }
}
