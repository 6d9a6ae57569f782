package dev.saesplit.bench;

import ai.djl.ndarray.NDManager;
import dev.saesplit.activations.CachingListener;
import dev.saesplit.activations.ModelActivationCache;
import dev.saesplit.lm.ActivationFunction;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Normalization;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerLensLayout;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.ContextBatcher;
import dev.saesplit.lm.dataset.ContextSettings;
import dev.saesplit.lm.dataset.NpyTokenDocuments;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;
import dev.saesplit.random.SplitMix64;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.train.TrainingBenchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Measures activation caching on a model of gelu-1l's shape (1 layer, d_model 512, 8 heads of 64, d_mlp 2048,
 * vocabulary 48262, random weights) at {@code blocks.0.hook_mlp_out}, contexts of 128: the whole path of the
 * caching activity (contexts, forward, shard files with checksums), against the fp32 GEMM rate measured in the same
 * run. ratio = tokens/s × forward FLOPs per token / GEMM rate, where a token's forward to the MLP output costs
 * 2·(4·d_model² + 2·ctx·d_model + 2·d_model·d_mlp) FLOPs (QKV and output projections, scores and mixing over the
 * whole context, the two MLP products); 1 would mean caching runs at the speed of its matrix products.
 */
public final class CachingBenchmark {

    /**
     * @param gemmGflops      mean of the rates measured before and after caching
     * @param tokensPerSecond tokens cached per second, files and checksums included
     * @param flopsPerToken   forward FLOPs per token as defined above
     * @param ratio           tokens/s × FLOPs per token / GEMM rate
     */
    public record Result(String device, int contexts, int contextSize, int batchContexts, double gemmGflops,
                         double tokensPerSecond, double flopsPerToken, double ratio) {

        public String describe() {
            return String.format("""
                    device            %s
                    model             gelu-1l shape: 1 layer, d_model 512, 8 heads × 64, d_mlp 2048, vocab 48262, \
                    random weights; hook blocks.0.hook_mlp_out
                    work              %d contexts of %d tokens, %d contexts per forward, written as cache shards
                    fp32 GEMM rate    %.1f GFLOP/s  ([%d×512]·[512×2048] on DJL)
                    caching           %.0f tokens/s
                    forward FLOPs     %.2f MFLOP/token
                    ratio %.2f""", device, contexts, contextSize, batchContexts, gemmGflops,
                    batchContexts * contextSize, tokensPerSecond, flopsPerToken / 1e6, ratio);
        }
    }

    static final int D_MODEL = 512;
    static final int D_MLP = 2048;
    static final int N_HEADS = 8;
    static final int D_VOCAB = 48262;
    static final int N_CTX = 1024;

    private CachingBenchmark() {
    }

    public static Result run(int contexts, int contextSize, int batchContexts, int warmupBatches) {
        TransformerWeights weights = randomWeights(gelu1lShape());
        HookPoint hook = HookPoint.validate("blocks.0.hook_mlp_out", weights.config());
        Path root = TrainingBenchmark.temporaryDirectory();
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             Transformer model = Transformer.upload(weights, manager)) {
            Path tokens = randomTokens(root.resolve("tokens.npy"), contexts + warmupBatches * batchContexts,
                    contextSize);
            ContextBatcher batcher = new ContextBatcher(new NpyTokenDocuments(tokens),
                    new ContextSettings(contextSize, false, false, ContextSettings.UNLIMITED), OptionalInt.empty());
            if (warmupBatches > 0) {
                new ModelActivationCache(model, hook, batcher, (long) warmupBatches * batchContexts, batchContexts,
                        ModelActivationCache.DEFAULT_SHARD_BYTES)
                        .write(Files.createDirectories(root.resolve("warmup")), manager, CachingListener.NONE);
            }
            int gemmRows = batchContexts * contextSize;
            double gemmBefore = TrainingBenchmark.measureGemmGflops(gemmRows, D_MODEL, D_MLP);
            ModelActivationCache cache = new ModelActivationCache(model, hook, batcher, contexts, batchContexts,
                    ModelActivationCache.DEFAULT_SHARD_BYTES);
            long start = System.nanoTime();
            cache.write(Files.createDirectories(root.resolve("cache")), manager, CachingListener.NONE);
            double seconds = (System.nanoTime() - start) / 1e9;
            double gemm = (gemmBefore + TrainingBenchmark.measureGemmGflops(gemmRows, D_MODEL, D_MLP)) / 2;
            double tokensPerSecond = cache.totalTokens() / seconds;
            double flops = 2.0 * (4.0 * D_MODEL * D_MODEL + 2.0 * contextSize * D_MODEL + 2.0 * D_MODEL * D_MLP);
            return new Result(ComputeDevice.describeSelected(), contexts, contextSize, batchContexts, gemm,
                    tokensPerSecond, flops, tokensPerSecond * flops / (gemm * 1e9));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            TrainingBenchmark.deleteQuietly(root);
        }
    }

    /** gelu-1l's configuration: 1 layer, d_model 512, 8 heads of 64, d_mlp 2048, vocabulary 48262. */
    static TransformerConfig gelu1lShape() {
        return new TransformerConfig("gelu-1l-shape", 1, D_MODEL, D_MODEL / N_HEADS, N_HEADS, D_MLP, D_VOCAB, N_CTX,
                ActivationFunction.GELU, Normalization.LN, TransformerConfig.DEFAULT_EPS);
    }

    /** Every parameter drawn uniformly from ±1/sqrt(fan-in) (LayerNorm weights 1, biases small). */
    static TransformerWeights randomWeights(TransformerConfig config) {
        SplitMix64 random = new SplitMix64(240);
        Map<String, float[]> values = new LinkedHashMap<>();
        TransformerLensLayout.shapes(config).forEach((name, shape) -> {
            long count = 1;
            for (long s : shape) {
                count *= s;
            }
            float[] v = new float[Math.toIntExact(count)];
            boolean layerNormWeight = name.endsWith(".w");
            float scale = (float) (1 / Math.sqrt(shape.length > 1 ? shape[shape.length - 2] : D_MODEL));
            for (int i = 0; i < v.length; i++) {
                v[i] = layerNormWeight ? 1f : (float) ((2 * random.nextDouble() - 1) * scale);
            }
            values.put(name, v);
        });
        return TransformerWeights.of(config, values, "random weights");
    }

    static Path randomTokens(Path file, int rows, int contextSize) throws IOException {
        SplitMix64 random = new SplitMix64(7);
        int[] row = new int[contextSize];
        try (NpyWriter writer = NpyWriter.create(file, NpyDtype.INT32, contextSize)) {
            for (int r = 0; r < rows; r++) {
                for (int p = 0; p < contextSize; p++) {
                    row[p] = random.nextInt(D_VOCAB);
                }
                writer.writeInts(row, 0, contextSize);
            }
        }
        return file;
    }
}
