package dev.saesplit.activations;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.artifact.SharedDirectory;
import dev.saesplit.data.ActivationSources;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.CacheManifest;
import dev.saesplit.data.cache.CacheVerification;
import dev.saesplit.data.cache.ModelProvenance;
import dev.saesplit.lm.ModelSourceException;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.data.npy.Bfloat16;
import dev.saesplit.data.npy.Float16;
import dev.saesplit.spec.CacheDtype;
import dev.saesplit.spec.WeightProcessing;
import dev.saesplit.store.ClosedAfterEach;
import dev.saesplit.store.Database;
import dev.saesplit.store.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.saesplit.activations.CachingWorkspace.SHARD_BYTES;
import static dev.saesplit.activations.CachingWorkspace.TOKENS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The caching activity for {@code source: model}: cached once and reused by content key, a corrupt finished shard
 * rebuilt before reuse, and a spec missing its files rejected naming the field.
 */
class ModelCachingActivityTest {

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();
    private final CachingWorkspace workspace = new CachingWorkspace(opened);

    @Test
    void aSecondExperimentWithTheSameSourceReusesTheCacheWithoutRunningTheModel() {
        ActivationActivitiesImpl activities = workspace.activities();
        ActivationsRef first = activities.ensureActivations("first", FixtureModelSpec.mlpOut(TOKENS));
        assertEquals(30, activities.contextsForwarded());

        ActivationsRef second = activities.ensureActivations("second", FixtureModelSpec.mlpOut(TOKENS));

        assertEquals(first, second);
        assertEquals(30, activities.contextsForwarded(), "the second experiment ran no context through the model");
        assertEquals(TOKENS, second.tokens());
        assertEquals(64, second.dIn());
        assertEquals("blocks.0.hook_mlp_out", second.hook());
        ActivationsRef otherHook = activities.ensureActivations("third",
                FixtureModelSpec.of("blocks.1.hook_resid_post", TOKENS, 8));
        assertTrue(!otherHook.artifact().key().equals(first.artifact().key()), "the hook is part of the key");
        assertEquals(60, activities.contextsForwarded());
        try (var tokens = ActivationSources.openModelCache(ArtifactStore.directory(second.artifact())).orElseThrow()) {
            assertEquals(TOKENS, tokens.rowTokens().orElseThrow().rows());
        }
    }

    @Test
    void aModelTrainedOnAnotherMachineIsReadFromThisMachinesCopyAndCachesTheSameActivations() throws Exception {
        Path shared = TestPostgres.stateDir();
        Path trainer = TestPostgres.stateDir();
        Path reader = TestPostgres.stateDir();
        try {
            ArtifactStore trainedOn = new ArtifactStore(trainer, workspace.database.dataSource(),
                    new SharedDirectory(shared), 1L << 30);
            ArtifactRef lm = trainedOn.getOrProduce("lm", "fixture", new Provenance("lm", "test", ""), dir -> {
                for (Path file : List.of(FixtureModelSpec.resource("lm/tl-safetensors/config.json"),
                        FixtureModelSpec.resource("lm/tl-safetensors/model.safetensors"),
                        FixtureModelSpec.resource("lm/tokens/tokenizer.json"))) {
                    Files.copy(file, dir.resolve(file.getFileName()));
                }
            });
            ActivationSourceSpec.Model given = FixtureModelSpec.mlpOut(TOKENS);
            ActivationSourceSpec.Model trained = new ActivationSourceSpec.Model(given.model(), null, null,
                    given.dataset(), given.datasetPath(), given.hook(), given.contextSize(), given.prependBos(),
                    given.splitRows(), given.tokens(), given.batchSize()).withTrainedModel(lm);
            TestPostgres.deleteQuietly(trainer);

            ArtifactStore elsewhere = new ArtifactStore(reader, workspace.database.dataSource(),
                    new SharedDirectory(shared), 1L << 30);
            ActivationActivitiesImpl reading = new ActivationActivitiesImpl(elsewhere, SHARD_BYTES);
            ActivationsRef cached = reading.ensureActivations("elsewhere", trained);
            assertEquals(30, reading.contextsForwarded(), "the reading machine ran the model itself");
            ActivationsRef direct;
            try (Database own = Database.open(TestPostgres.freshDatabase())) {
                direct = new ActivationActivitiesImpl(new ArtifactStore(workspace.store.root(), own.dataSource()),
                        SHARD_BYTES).ensureActivations("direct", given);
            }

            assertEquals(direct.artifact().key(), cached.artifact().key(),
                    "the same weights and tokenizer, read from this machine's copy of the trained model");
            assertEquals(direct.artifact().contentHash(), cached.artifact().contentHash());
            assertTrue(elsewhere.localCopy(lm).startsWith(reader), "read from the reading machine's own copy");
        } finally {
            TestPostgres.deleteQuietly(shared);
            TestPostgres.deleteQuietly(reader);
        }
    }

    @Test
    void twoExperimentsNeedingTheSameActivationsAtOnceCacheThemOnce() throws Exception {
        ActivationActivitiesImpl activities = workspace.activities();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ActivationsRef> first = pool.submit(() -> activities.ensureActivations("first",
                    FixtureModelSpec.mlpOut(TOKENS)));
            Future<ActivationsRef> second = pool.submit(() -> activities.ensureActivations("second",
                    FixtureModelSpec.mlpOut(TOKENS)));

            assertEquals(first.get(), second.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(30, activities.contextsForwarded(), "one of them waited and reused the other's cache");
        try (ActivationCacheReader verified = ActivationCacheReader.open(
                ArtifactStore.directory(activities.ensureActivations("third", FixtureModelSpec.mlpOut(TOKENS))
                        .artifact()))) {
            assertEquals(TOKENS, verified.tokens());
        }
    }

    @Test
    void aFinishedShardThatFailsItsChecksumIsRebuiltBeforeTheCacheIsReused() throws Exception {
        ActivationActivitiesImpl activities = workspace.activities();
        ActivationsRef original = activities.ensureActivations("first", FixtureModelSpec.mlpOut(TOKENS));
        Path dir = ArtifactStore.directory(original.artifact());
        Path copy = Files.createDirectories(workspace.store.root().resolve("copy"));
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        ModelActivationCacheTest.flipAByte(dir.resolve("shard-00002.contexts.npy"));

        ActivationsRef repaired = activities.ensureActivations("second", FixtureModelSpec.mlpOut(TOKENS));

        assertEquals(30 + 14, activities.contextsForwarded(), "shards 0 and 1 (16 contexts) were kept");
        ModelActivationCacheTest.assertSameFiles(copy, ArtifactStore.directory(repaired.artifact()));
        try (ActivationCacheReader verified = ActivationCacheReader.open(ArtifactStore.directory(repaired.artifact()))) {
            assertEquals(TOKENS, verified.tokens());
        }
    }

    @Test
    void theCacheDtypeIsPartOfTheKeyAndAHalfCacheHoldsTheFloat32ActivationsRounded() {
        ActivationActivitiesImpl activities = workspace.activities();
        ActivationSourceSpec.Model spec = FixtureModelSpec.mlpOut(TOKENS);
        ActivationsRef float32 = activities.ensureActivations("float32", spec);
        ActivationsRef float16 = activities.ensureActivations("float16", spec.withCacheDtype(CacheDtype.FLOAT16));
        ActivationsRef bfloat16 = activities.ensureActivations("bfloat16", spec.withCacheDtype(CacheDtype.BFLOAT16));

        assertEquals(3, java.util.Set.of(float32.artifact().key(), float16.artifact().key(),
                bfloat16.artifact().key()).size(), "each dtype has its own cache");
        assertEquals(90, activities.contextsForwarded(), "no dtype reused another's cache");
        assertEquals("float16", manifest(float16).dtype());
        assertEquals("bfloat16", manifest(bfloat16).dtype());
        float[] exact = read(float32);
        float[] halves = read(float16);
        float[] brains = read(bfloat16);
        for (int i = 0; i < exact.length; i++) {
            assertEquals(Float16.toFloat(Float16.fromFloat(exact[i])), halves[i], "float16 value " + i);
            assertEquals(Bfloat16.toFloat(Bfloat16.fromFloat(exact[i])), brains[i], "bfloat16 value " + i);
        }
    }

    private static CacheManifest manifest(ActivationsRef ref) {
        return JsonArtifacts.read(ArtifactStore.directory(ref.artifact()).resolve(CacheManifest.FILE_NAME),
                CacheManifest.class);
    }

    private static float[] read(ActivationsRef ref) {
        try (ActivationCacheReader reader = ActivationCacheReader.open(ArtifactStore.directory(ref.artifact()))) {
            float[] rows = new float[(int) reader.tokens() * reader.dIn()];
            reader.read(0, (int) reader.tokens(), rows, 0);
            return rows;
        }
    }

    @Test
    void aModelInThePublishedLayoutCachesRecordingTheFilledBiasAndItsWeightProcessingWhichIsPartOfTheKey()
            throws Exception {
        ActivationSourceSpec.Model unprocessed = workspace.publishedLayoutSpec();
        ActivationActivitiesImpl activities = workspace.activities();

        ActivationsRef none = activities.ensureActivations("none", unprocessed);
        ActivationsRef processed = activities.ensureActivations("processed",
                unprocessed.withWeightProcessing(WeightProcessing.FROM_PRETRAINED));

        assertTrue(!none.artifact().key().equals(processed.artifact().key()), "the processing is part of the key");
        CacheManifest manifest = JsonArtifacts.read(ArtifactStore.directory(processed.artifact())
                .resolve(CacheManifest.FILE_NAME), CacheManifest.class);
        assertEquals(new ModelProvenance("model.safetensors", "from-pretrained", List.of("unembed.b_U")),
                manifest.modelLoading());
        try (ActivationCacheReader reader = ActivationCacheReader.open(ArtifactStore.directory(processed.artifact()),
                CacheVerification.CHECKSUMS)) {
            assertEquals(TOKENS, reader.tokens());
        }
    }

    @Test
    void aSpecThatNamesItsModelWithoutWeightsFailsNamingTheField() {
        ActivationSourceSpec.Model fixture = FixtureModelSpec.mlpOut(TOKENS);
        ActivationSourceSpec.Model noWeights = new ActivationSourceSpec.Model("gelu-1l", null, null,
                "c4-code-tokenized-2b", null, fixture.hook(), 128, true, false, TOKENS, 8);

        ModelSourceException e = assertThrows(ModelSourceException.class,
                () -> new ActivationActivitiesImpl(workspace.store).ensureActivations("study", noWeights));

        assertTrue(e.getMessage().startsWith("activations.weights: not set; saesplit downloads nothing"),
                e.getMessage());
    }

    @Test
    void aHookTheModelLacksFailsNamingTheField() {
        ModelSourceException e = assertThrows(ModelSourceException.class,
                () -> new ActivationActivitiesImpl(workspace.store).ensureActivations("study",
                        FixtureModelSpec.of("blocks.5.hook_mlp_out", TOKENS, 8)));

        assertTrue(e.getMessage().startsWith("activations.hook: "), e.getMessage());
        assertTrue(e.getMessage().contains("layer 5 does not exist"), e.getMessage());
    }
}
