package dev.saesplit.activations;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.lm.PublishedLayoutFixture;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.store.ClosedAfterEach;
import dev.saesplit.store.Database;

import java.nio.file.Path;

/**
 * Where a test of the caching activity caches the fixture model's activations: a database and artifact store of its
 * own, and the activity over them writing a shard per forward batch.
 */
final class CachingWorkspace {

    /** Contexts the tests cache: three forward batches of 8 and a short fourth. */
    static final long CONTEXTS = 30;
    static final long TOKENS = CONTEXTS * FixtureModelSpec.CONTEXT;
    /** Shards of 8 contexts: forward batches of 8 contexts each start a shard, as a stream's do. */
    static final long SHARD_BYTES = 8 * FixtureModelSpec.CONTEXT * 64 * 4;

    final Database database;
    final ArtifactStore store;

    CachingWorkspace(ClosedAfterEach opened) {
        database = opened.freshDatabase();
        store = opened.freshStore(database);
    }

    /** A caching activity over this workspace's store; it counts the contexts it runs through the model. */
    ActivationActivitiesImpl activities() {
        return new ActivationActivitiesImpl(store, SHARD_BYTES);
    }

    /** The fixture's {@code blocks.0.hook_mlp_out} spec, its weights written in the published layout in the store. */
    ActivationSourceSpec.Model publishedLayoutSpec() {
        Path published = PublishedLayoutFixture.write(store.root().resolve("published"));
        ActivationSourceSpec.Model fixture = FixtureModelSpec.mlpOut(TOKENS);
        return new ActivationSourceSpec.Model(fixture.model(), published, fixture.tokenizer(), fixture.dataset(),
                fixture.datasetPath(), fixture.hook(), fixture.contextSize(), fixture.prependBos(),
                fixture.splitRows(), fixture.tokens(), fixture.batchSize());
    }
}
