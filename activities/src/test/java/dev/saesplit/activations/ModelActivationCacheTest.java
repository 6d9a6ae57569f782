package dev.saesplit.activations;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.data.RowTokens;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.data.cache.CacheManifest;
import dev.saesplit.data.cache.CacheShard;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.lm.dataset.ContextStream;
import dev.saesplit.lm.dataset.TokenContext;
import dev.saesplit.lm.dataset.TokenDocuments;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.spec.ActivationSourceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model-activation cache on the fixture model: content, resume after a crash, and rebuilding a bad shard. */
class ModelActivationCacheTest {

    private static final int CONTEXTS = 40;
    /** Shards of 6 contexts (the last one 4): 16 tokens × 64 floats × 4 bytes = 4 KiB a context. */
    private static final long SHARD_BYTES = 6 * 16 * 64 * 4;

    private final ActivationSourceSpec.Model spec = FixtureModelSpec.mlpOut(CONTEXTS * FixtureModelSpec.CONTEXT);
    private NDManager manager;
    private LanguageModel model;

    @BeforeEach
    void open() {
        manager = ComputeDevice.newManager(ComputeDevice.selected());
        model = LanguageModel.open(spec, manager);
    }

    @AfterEach
    void close() {
        model.close();
        manager.close();
    }

    @Test
    void eachRowHoldsTheModelsActivationAtTheHookWithItsTokenPositionAndContext(@TempDir Path dir) throws Exception {
        Path cache = writeFinished(dir);

        try (ActivationCacheReader reader = ActivationCacheReader.open(cache);
             ContextStream contexts = model.batcher(model.documents()).contexts()) {
            assertEquals(CacheManifest.FORMAT_VERSION, reader.manifest().formatVersion());
            assertEquals(7, reader.manifest().shards().size());
            assertEquals(CONTEXTS * 16L, reader.tokens());
            assertEquals(64, reader.dIn());
            RowTokens rows = reader.rowTokens().orElseThrow();
            float[] cached = new float[16 * 64];
            for (int c = 0; c < CONTEXTS; c++) {
                TokenContext context = contexts.next();
                float[] expected = alone(context);
                reader.read(c * 16L, 16, cached, 0);
                assertArrayEquals(expected, cached, 1e-5f, "context " + c);
                for (int p = 0; p < 16; p++) {
                    long row = c * 16L + p;
                    assertEquals(context.tokenId(p), rows.tokenId(row), "token of row " + row);
                    assertEquals(p, rows.position(row), "position of row " + row);
                    assertEquals(c, rows.context(row), "context of row " + row);
                }
            }
            assertEquals(0, rows.tokenId(0), "prepend_bos puts the tokenizer's <bos> (id 0) first");
        }
    }

    @Test
    void aCrashBetweenShardsResumesAfterTheLastOneAndGivesTheSameBytes(@TempDir Path dir) throws Exception {
        Path uninterrupted = writeFinished(dir.resolve("uninterrupted"));

        Path work = Files.createDirectories(dir.resolve("work"));
        ModelActivationCache crashing = cache();
        RuntimeException crash = assertThrows(RuntimeException.class, () -> crashing.write(work, manager,
                new CachingListener() {
                    @Override
                    public void shardRecorded(int index, long tokensCached) {
                        if (index == 2) {
                            throw new IllegalStateException("worker killed");
                        }
                    }
                }));
        assertEquals("worker killed", crash.getMessage());
        ModelActivationCache resumed = writeAndFinish(work, dir.resolve("resumed"));

        assertEquals(CONTEXTS - 18, resumed.contextsForwarded(), "shards 0-2 (18 contexts) are not run again");
        assertSameFiles(uninterrupted, dir.resolve("resumed"));
    }

    @Test
    void aShardFailingItsChecksumIsRebuiltWithEveryLaterShard(@TempDir Path dir) throws Exception {
        Path uninterrupted = writeFinished(dir.resolve("uninterrupted"));
        Path work = Files.createDirectories(dir.resolve("work"));
        cache().write(work, manager, CachingListener.NONE);
        flipAByte(work.resolve("shard-00004.activations.npy"));

        ModelActivationCache repaired = writeAndFinish(work, dir.resolve("repaired"));

        assertEquals(CONTEXTS - 24, repaired.contextsForwarded(), "shards 0-3 are intact and kept");
        assertSameFiles(uninterrupted, dir.resolve("repaired"));
    }

    @Test
    void preTokenizedRowsSplitIntoSeveralContextsEachAreCachedInOrder(@TempDir Path dir) throws IOException {
        // The tokens fixture's [3, 8] int64 rows, each cut into two contexts of 4.
        ActivationSourceSpec.Model rows = new ActivationSourceSpec.Model("parity-gelu-2l", spec.weights(),
                spec.tokenizer(), "tokens_int64.npy", FixtureModelSpec.resource("lm/tokens/tokens_int64.npy"),
                spec.hook(), 4, false, true, 24, 4);
        try (LanguageModel split = LanguageModel.open(rows, manager)) {
            ModelActivationCache cache = new ModelActivationCache(split.transformer(), split.hook(),
                    split.batcher(split.documents()), 6, 4, SHARD_BYTES);
            Path work = Files.createDirectories(dir.resolve("work"));
            List<CacheShard> shards = cache.write(work, manager, CachingListener.NONE);
            ModelActivationCache.finish(work, dir, description(), shards);
        }

        try (ActivationCacheReader reader = ActivationCacheReader.open(dir);
             var tokens = new dev.saesplit.lm.dataset.NpyTokenDocuments(
                     FixtureModelSpec.resource("lm/tokens/tokens_int64.npy")).read(
                     new dev.saesplit.lm.dataset.DocumentPosition(0, 0))) {
            RowTokens cached = reader.rowTokens().orElseThrow();
            assertEquals(24, reader.tokens());
            long row = 0;
            while (tokens.hasNext()) {
                for (int id : tokens.next().tokens()) {
                    assertEquals(id, cached.tokenId(row), "row " + row);
                    assertEquals(row / 4, cached.context(row));
                    assertEquals(row % 4, cached.position(row));
                    row++;
                }
            }
            assertEquals(24, row);
        }
    }

    @Test
    void aDatasetTooSmallForTheTokensAskedForNamesTheField(@TempDir Path dir) throws IOException {
        TokenDocuments documents = model.documents();
        ModelActivationCache tooMany = new ModelActivationCache(model.transformer(), model.hook(),
                model.batcher(documents), 100_000, 8, SHARD_BYTES);

        var e = assertThrows(dev.saesplit.lm.ModelSourceException.class,
                () -> tooMany.write(dir, manager, CachingListener.NONE));
        assertTrue(e.getMessage().startsWith("activations.tokens: 1600000 tokens need 100000 contexts of 16, but the "
                + "dataset makes only "), e.getMessage());
    }

    /** Writes the whole cache into {@code target}, working in a fresh folder beside it; returns {@code target}. */
    private Path writeFinished(Path target) throws IOException {
        writeAndFinish(Files.createDirectories(target.resolveSibling(target.getFileName() + "-work")), target);
        return target;
    }

    /**
     * Writes the cache in {@code work}, resuming or repairing what is there, and finishes it into {@code target};
     * returns the writer, which counts the contexts it ran through the model.
     */
    private ModelActivationCache writeAndFinish(Path work, Path target) throws IOException {
        ModelActivationCache cache = cache();
        List<CacheShard> shards = cache.write(work, manager, CachingListener.NONE);
        ModelActivationCache.finish(work, Files.createDirectories(target), description(), shards);
        return cache;
    }

    private ModelActivationCache cache() {
        return new ModelActivationCache(model.transformer(), model.hook(), model.batcher(model.documents()), CONTEXTS,
                spec.batchSize(), SHARD_BYTES);
    }

    private CacheDescription description() {
        return new CacheDescription(spec.model(), spec.hook(), 64);
    }

    /** The engine's activations for one context run on its own. */
    private float[] alone(TokenContext context) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray tokens = scope.create(context.tokenIds(), new Shape(1, context.size()));
            return model.transformer().activations(tokens, model.hook()).toFloatArray();
        }
    }

    static void flipAByte(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = raf.length() - 7;
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
    }

    static void assertSameFiles(Path expected, Path actual) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(expected)) {
            names = files.map(f -> f.getFileName().toString()).sorted().toList();
        }
        try (Stream<Path> files = Files.list(actual)) {
            assertEquals(names, files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)),
                    name + " differs");
        }
    }
}
