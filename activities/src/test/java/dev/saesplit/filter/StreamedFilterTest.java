package dev.saesplit.filter;

import dev.saesplit.activations.ActivationActivitiesImpl;
import dev.saesplit.activations.FixtureModelSpec;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.init.InitActivitiesImpl;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.store.ClosedAfterEach;
import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.MetricsRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The filter stage on activations streamed from the fixture model: the target chosen by token and the rows kept are
 * those chosen and kept on the cache of the same spec.
 */
class StreamedFilterTest {

    private static final String SPEC = """
            name: filtered-stream
            activations: {source: synthetic, d_in: 16, features: 48, parents: 2, tokens: 1k, seed: 3}
            narrow_sae: {width: 8, tokens: 1k}
            target_latent: 0
            runs:
              - {id: a, width: 24, seed: 5, init: random, normalised: true, data: all, loss: standard, tokens: 1k}
            """;
    private static final ActivationSourceSpec.Model CACHED = FixtureModelSpec.mlpOut(120L * FixtureModelSpec.CONTEXT);

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();
    private final Database database = opened.freshDatabase();
    private final ArtifactStore store = opened.freshStore(database);

    @Test
    void aStreamChoosesTheTokenTargetAndKeepsTheRowsItsCacheWould() throws Exception {
        new ExperimentStore(database.dataSource()).submit(SpecParser.parse(SPEC, "f.yaml", Path.of(".")), SPEC,
                "f.yaml");
        ActivationActivitiesImpl activations = new ActivationActivitiesImpl(store);
        ActivationsRef cached = activations.ensureActivations("filtered-stream", CACHED);
        ActivationsRef streamed = activations.ensureActivations("filtered-stream", FixtureModelSpec.streamed(CACHED));
        SaeRef narrow = new InitActivitiesImpl(store).initialise(new InitRequest("filtered-stream", "narrow", cached,
                32, 0, Init.RANDOM, true, null));
        FilterActivities filter = opened.environment(new FilterActivitiesImpl(store,
                new MetricsRecorder(database.dataSource()))).newActivityStub(FilterActivities.class);
        compare(filter, cached, streamed, narrow);
    }

    private void compare(FilterActivities filter, ActivationsRef cached, ActivationsRef streamed, SaeRef narrow)
            throws Exception {

        TokenTarget fromCache = filter.chooseTokenTarget("filtered-stream", cached, narrow, "-", CACHED);
        TokenTarget fromStream = filter.chooseTokenTarget("filtered-stream", streamed, narrow, "-", CACHED);
        assertEquals(fromCache, fromStream);
        assertTrue(fromStream.tokenRows() > 0, fromStream.toString());

        FilteredDataRef keptFromCache = filter.selectFiltered("filtered-stream", cached, narrow, fromCache.latent(), 0);
        FilteredDataRef keptFromStream = filter.selectFiltered("filtered-stream", streamed, narrow,
                fromStream.latent(), 0);
        assertEquals(keptFromCache.scanned(), keptFromStream.scanned());
        assertEquals(keptFromCache.kept(), keptFromStream.kept());
        assertTrue(keptFromStream.kept() < keptFromStream.scanned(), "the filter keeps some rows only");
        assertArrayEquals(Files.readAllBytes(keptRows(keptFromCache)), Files.readAllBytes(keptRows(keptFromStream)));
    }

    private static Path keptRows(FilteredDataRef ref) {
        return ArtifactStore.directory(ref.artifact()).resolve(FilteredDataRef.KEPT_ROWS_FILE);
    }
}
