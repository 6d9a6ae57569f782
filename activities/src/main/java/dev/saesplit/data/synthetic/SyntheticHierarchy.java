package dev.saesplit.data.synthetic;

import dev.saesplit.random.SplitMix64;
import dev.saesplit.data.cache.ActivationCacheWriter;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.data.npy.NpyDtype;
import dev.saesplit.data.npy.NpyWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generates activations with a known feature hierarchy (see {@link TokenSampler} for how tokens are drawn) into
 * an activation cache, with its ground truth beside it: {@code ground_truth.json}, {@code directions.npy} and
 * {@code child_labels.npy}. Deterministic from the config: directions and every block of tokens draw from their
 * own sub-stream of the seed. Streams in blocks, so memory does not grow with the token count.
 *
 * <p>Generated rows have no vocabulary: their token ids and positions are {@link #NO_TOKEN}.
 */
public final class SyntheticHierarchy {

    public static final String MODEL_NAME = "synthetic";
    public static final String HOOK_NAME = "hierarchy";
    public static final int NO_TOKEN = -1;
    public static final long DEFAULT_SHARD_BYTES = 256L << 20;

    /** Tokens drawn from one random sub-stream: {@link FeatureActivity} draws them again block by block. */
    static final int BLOCK_TOKENS = 1024;
    private static final long DIRECTIONS_STREAM = 0;
    private static final long TOKENS_STREAM = 1;

    private SyntheticHierarchy() {
    }

    /** Generates into {@code directory} with shards of at most {@link #DEFAULT_SHARD_BYTES}. */
    public static GroundTruth generate(SyntheticHierarchyConfig config, Path directory) throws IOException {
        return generate(config, directory, DEFAULT_SHARD_BYTES);
    }

    public static GroundTruth generate(SyntheticHierarchyConfig config, Path directory, long maxShardBytes)
            throws IOException {
        GroundTruth truth = new GroundTruth(config, hierarchy(config), randomDirections(config));
        CacheDescription description = new CacheDescription(MODEL_NAME, HOOK_NAME, config.dIn());
        // Opening the cache first refuses a directory that already holds a finished one, before anything is written.
        try (ActivationCacheWriter cache = ActivationCacheWriter.create(directory, description, maxShardBytes)) {
            try (NpyWriter directions = NpyWriter.create(directory.resolve(GroundTruth.DIRECTIONS_FILE),
                    NpyDtype.FLOAT32, config.dIn())) {
                float[] values = truth.directions();
                directions.writeFloats(values, 0, values.length);
            }
            truth.write(directory);
            writeTokens(config, truth.directions(), directory, cache);
            cache.finish(); // the manifest goes last: a directory with one is complete
        }
        return truth;
    }

    /**
     * The first {@code tokens} activation rows that {@link #generate} would write for {@code config}, in memory
     * ({@code tokens × dIn} floats, row-major), without ground-truth files: training data for benchmarks.
     */
    public static float[] activations(SyntheticHierarchyConfig config, int tokens) {
        int d = config.dIn();
        TokenSampler sampler = new TokenSampler(config, randomDirections(config));
        float[] activations = new float[Math.multiplyExact(tokens, d)];
        int[] labels = new int[config.parents()];
        for (long block = 0; block * BLOCK_TOKENS < tokens; block++) {
            SplitMix64 random = blockRandom(config, block);
            int count = (int) Math.min(BLOCK_TOKENS, tokens - block * BLOCK_TOKENS);
            for (int t = 0; t < count; t++) {
                sampler.sample(random, activations, (int) (block * BLOCK_TOKENS + t) * d, labels, 0);
            }
        }
        return activations;
    }

    /** Parents {@code [0, P)}, each with its K consecutive children. */
    static List<HierarchyParent> hierarchy(SyntheticHierarchyConfig config) {
        List<HierarchyParent> parents = new ArrayList<>(config.parents());
        for (int parent = 0; parent < config.parents(); parent++) {
            List<Integer> children = new ArrayList<>(config.childrenPerParent());
            for (int k = 0; k < config.childrenPerParent(); k++) {
                children.add(config.firstChildOf(parent) + k);
            }
            parents.add(new HierarchyParent(parent, children));
        }
        return parents;
    }

    /** Isotropic random unit vectors: normalised standard Gaussians. */
    static float[] randomDirections(SyntheticHierarchyConfig config) {
        int d = config.dIn();
        SplitMix64 random = new SplitMix64(SplitMix64.derive(config.seed(), DIRECTIONS_STREAM));
        float[] directions = new float[Math.multiplyExact(config.features(), d)];
        double[] vector = new double[d];
        for (int feature = 0; feature < config.features(); feature++) {
            double squaredNorm = 0;
            do {
                for (int k = 0; k < d; k++) {
                    vector[k] = random.nextGaussian();
                    squaredNorm += vector[k] * vector[k];
                }
            } while (squaredNorm == 0);
            double norm = Math.sqrt(squaredNorm);
            for (int k = 0; k < d; k++) {
                directions[feature * d + k] = (float) (vector[k] / norm);
            }
        }
        return directions;
    }

    /** The random stream of block {@code block} of tokens, independent of every other block. */
    static SplitMix64 blockRandom(SyntheticHierarchyConfig config, long block) {
        return new SplitMix64(SplitMix64.derive(SplitMix64.derive(config.seed(), TOKENS_STREAM), block));
    }

    private static void writeTokens(SyntheticHierarchyConfig config, float[] directions, Path directory,
                                    ActivationCacheWriter cache) throws IOException {
        int d = config.dIn();
        int parents = config.parents();
        TokenSampler sampler = new TokenSampler(config, directions);
        float[] activations = new float[BLOCK_TOKENS * d];
        int[] labels = new int[BLOCK_TOKENS * parents];
        int[] noTokens = new int[BLOCK_TOKENS];
        Arrays.fill(noTokens, NO_TOKEN);
        try (NpyWriter childLabels = NpyWriter.create(directory.resolve(GroundTruth.CHILD_LABELS_FILE),
                NpyDtype.INT32, parents)) {
            for (long block = 0; block * BLOCK_TOKENS < config.tokens(); block++) {
                int count = (int) Math.min(BLOCK_TOKENS, config.tokens() - block * BLOCK_TOKENS);
                SplitMix64 random = blockRandom(config, block);
                for (int t = 0; t < count; t++) {
                    sampler.sample(random, activations, t * d, labels, t * parents);
                }
                cache.append(activations, noTokens, noTokens, count);
                childLabels.writeInts(labels, 0, count * parents);
            }
        }
    }
}
