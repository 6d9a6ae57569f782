package dev.saesplit.activations;

import ai.djl.ndarray.NDManager;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.data.cache.CacheManifest;
import dev.saesplit.data.cache.CacheShard;
import dev.saesplit.data.cache.CacheVerification;
import dev.saesplit.data.cache.ModelProvenance;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.lm.TrainedModels;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.ContextSettings;
import dev.saesplit.lm.dataset.TokenDocuments;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.CachingProgress;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.CacheDtype;
import dev.saesplit.worker.ActivityHeartbeat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code source: model} part of the caching activity: a content key over everything that determines the
 * activations, reuse of a cache with that key (checked shard by shard; a corrupt one is rebuilt), and otherwise
 * {@link ModelActivationCache} writing into the key's durable work directory, heartbeating
 * {@link CachingProgress}.
 */
final class ModelCaching {

    /** 1: contexts as SAELens builds them; rows record token id, position and context (cache format 2). */
    static final int CODE_VERSION = 1;
    static final String KIND = "activations";
    /** The work directory holding one lock file per cache key, apart from the caches' own work directories. */
    private static final String LOCKS = ".locks";

    private final ArtifactStore store;
    private final long maxShardBytes;
    private final AtomicLong contextsForwarded = new AtomicLong();

    ModelCaching(ArtifactStore store, long maxShardBytes) {
        this.store = store;
        this.maxShardBytes = maxShardBytes;
    }

    long contextsForwarded() {
        return contextsForwarded.get();
    }

    ArtifactRef ensure(String experiment, ActivationSourceSpec.Model spec) {
        // Loading the weights and hashing the dataset for the key can outlast the heartbeat timeout: beat from now.
        ActivityHeartbeat heartbeat = heartbeat(new CachingProgress(0, 0));
        try {
            return ensure(experiment, TrainedModels.local(spec, store), heartbeat);
        } finally {
            if (heartbeat != null) {
                heartbeat.close();
            }
        }
    }

    private ArtifactRef ensure(String experiment, ActivationSourceSpec.Model spec, ActivityHeartbeat heartbeat) {
        TransformerWeights weights = LanguageModel.loadWeights(spec);
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             LanguageModel model = LanguageModel.open(spec, weights, manager)) {
            TokenDocuments documents = model.documents();
            LanguageModel.requireEnoughContexts(spec, documents);
            ContextSettings settings = LanguageModel.contextSettings(spec);
            long contexts = spec.tokens() / spec.contextSize();
            if (spec.streamed()) {
                // The forward batches fix the rows' arithmetic and the buffer the training order: both are keyed.
                String key = OutputKey.of(KIND + "/model-stream", StreamWriter.CODE_VERSION, weights.contentHash(),
                        documents.identity(), model.tokenizerIdentity(), spec.hook(), settings, contexts,
                        spec.batchSize(), spec.stream().bufferTokens());
                return store.getOrProduce(KIND, key, new Provenance("activations", experiment, ""), dir ->
                        new StreamWriter(spec, weights, model, documents, contexts, heartbeat).write(dir));
            }
            // float32 caches keep the key they had before the dtype could be chosen, so they are still reused.
            String key = spec.cacheDtype() == CacheDtype.FLOAT32
                    ? OutputKey.of(KIND + "/model", CODE_VERSION, weights.contentHash(), documents.identity(),
                            model.tokenizerIdentity(), spec.hook(), settings, contexts)
                    : OutputKey.of(KIND + "/model", CODE_VERSION, weights.contentHash(), documents.identity(),
                            model.tokenizerIdentity(), spec.hook(), settings, contexts, spec.cacheDtype().specName());
            // Held while checking, repairing and writing: another experiment may be caching the same activations.
            try (WriterLock ignored = WriterLock.acquire(store.workDirectory(KIND, LOCKS).resolve(key + ".lock"))) {
                Optional<ArtifactRef> existing = store.findForRepair(KIND, key);
                if (existing.isPresent() && !reopenForRepair(existing.get(), key)) {
                    return existing.get();
                }
                return produce(experiment, spec, key, weights, model, documents, contexts, manager, heartbeat);
            }
        }
    }

    private ArtifactRef produce(String experiment, ActivationSourceSpec.Model spec, String key,
                                TransformerWeights weights, LanguageModel model, TokenDocuments documents,
                                long contexts, NDManager manager, ActivityHeartbeat heartbeat) {
        ModelActivationCache cache = new ModelActivationCache(model.transformer(), model.hook(),
                model.batcher(documents), contexts, spec.batchSize(), maxShardBytes, spec.cacheDtype());
        CacheDescription description = new CacheDescription(spec.model(), spec.hook(),
                model.hook().width(weights.config()), new ModelProvenance(Path.of(weights.source()).getFileName()
                .toString(), spec.weightProcessing().specName(), weights.filledWithZeros()), spec.cacheDtype());
        CachingListener listener = heartbeat == null ? CachingListener.NONE : new CachingListener() {
            @Override
            public void batchWritten(long tokensCached, long totalTokens) {
                heartbeat.update(new CachingProgress(tokensCached, totalTokens));
                heartbeat.checkNotCancelled();
            }
        };
        return store.getOrProduce(KIND, key, new Provenance("activations", experiment, ""), dir -> {
            Path work = store.workDirectory(KIND, key);
            try {
                List<CacheShard> shards = cache.write(work, manager, listener);
                ModelActivationCache.finish(work, dir, description, shards);
            } finally {
                contextsForwarded.addAndGet(cache.contextsForwarded());
            }
            store.clearWorkDirectory(KIND, key);
        });
    }

    /**
     * Checks every shard of a cache about to be reused against its checksums. A corrupt cache is moved back to its
     * work directory without its manifest, so the writer keeps its intact leading shards and rebuilds from the
     * first bad one; returns whether that happened.
     */
    private boolean reopenForRepair(ArtifactRef ref, String key) {
        Path dir = store.localCopy(ref);
        try (ActivationCacheReader ignored = ActivationCacheReader.open(dir, CacheVerification.CHECKSUMS)) {
            return false;
        } catch (ArtifactCorruptException corrupt) {
            try {
                store.clearWorkDirectory(KIND, key);
                Path work = store.workDirectory(KIND, key);
                Files.delete(work);
                Files.move(dir, work);
                Files.deleteIfExists(work.resolve(CacheManifest.FILE_NAME));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot set aside the corrupt activation cache " + dir, e);
            }
            return true;
        }
    }

    /** Heartbeats when running as an activity, else {@code null}: direct calls (tests, tools) have no server. */
    private static ActivityHeartbeat heartbeat(CachingProgress initial) {
        try {
            return ActivityHeartbeat.start(initial);
        } catch (IllegalStateException notInAnActivity) {
            return null;
        }
    }
}
