package dev.saesplit.activations;

import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ActivationSources;
import dev.saesplit.data.RowTokens;
import dev.saesplit.data.TokenedActivationSource;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.stream.ModelActivationStream;
import dev.saesplit.data.stream.StreamDescriptor;
import dev.saesplit.lm.ModelSourceException;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.WeightProcessing;
import dev.saesplit.store.ClosedAfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.saesplit.activations.CachingWorkspace.CONTEXTS;
import static dev.saesplit.activations.CachingWorkspace.TOKENS;
import static dev.saesplit.activations.FixtureModelSpec.streamed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Activations streamed from the fixture model ({@code stream: true}): the artifact stores tokens, not activations,
 * and every row it computes is, bit for bit, the row the cache of the same spec holds, with the same token,
 * context and position.
 */
class ModelActivationStreamTest {

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();
    private final CachingWorkspace workspace = new CachingWorkspace(opened);

    @Test
    void everyStreamedRowIsBitwiseTheCachedRowWithTheSameTokenContextAndPosition() {
        for (String hook : new String[]{"blocks.0.hook_mlp_out", "blocks.1.hook_resid_post"}) {
            ActivationSourceSpec.Model spec = FixtureModelSpec.of(hook, TOKENS, 8);
            ActivationActivitiesImpl activities = workspace.activities();
            ActivationsRef cached = activities.ensureActivations("cached", spec);
            ActivationsRef streamed = activities.ensureActivations("streamed", streamed(spec));

            assertEquals(cached.tokens(), streamed.tokens());
            assertEquals(cached.dIn(), streamed.dIn());
            assertEquals(cached.hook(), streamed.hook());
            assertEquals(cached.model(), streamed.model());
            assertNotEquals(cached.artifact().key(), streamed.artifact().key(), "a stream is its own artifact");
            try (ActivationCacheReader cache = ActivationCacheReader.open(ArtifactStore.directory(cached.artifact()));
                 TokenedActivationSource stream = ActivationSources.openModelCache(
                         ArtifactStore.directory(streamed.artifact())).orElseThrow()) {
                assertTrue(stream instanceof ModelActivationStream, "opened as a stream");
                assertArrayEquals(all(cache), all(stream), hook + ": streamed rows differ from the cache's");
                // Read in pieces that cross forward batches, as a shuffle window's chunks and the filter do.
                float[] pieces = new float[(int) TOKENS * cache.dIn()];
                for (long at = 0; at < TOKENS; at += 37) {
                    int count = (int) Math.min(37, TOKENS - at);
                    stream.read(at, count, pieces, (int) at * cache.dIn());
                }
                assertArrayEquals(all(cache), pieces);
                RowTokens expected = cache.rowTokens().orElseThrow();
                RowTokens actual = stream.rowTokens().orElseThrow();
                assertEquals(expected.rows(), actual.rows());
                for (long row = 0; row < TOKENS; row++) {
                    assertEquals(expected.tokenId(row), actual.tokenId(row), "token of row " + row);
                    assertEquals(expected.context(row), actual.context(row), "context of row " + row);
                    assertEquals(expected.position(row), actual.position(row), "position of row " + row);
                }
            }
        }
    }

    @Test
    void aProcessedModelInThePublishedLayoutStreamsTheRowsItsCacheHolds() throws IOException {
        ActivationSourceSpec.Model spec = workspace.publishedLayoutSpec()
                .withWeightProcessing(WeightProcessing.FROM_PRETRAINED);
        ActivationActivitiesImpl activities = workspace.activities();

        ActivationsRef cached = activities.ensureActivations("cached", spec);
        ActivationsRef streamed = activities.ensureActivations("streamed", streamed(spec));

        try (ActivationSource cache = ActivationSources.open(ArtifactStore.directory(cached.artifact()));
             ActivationSource stream = ActivationSources.open(ArtifactStore.directory(streamed.artifact()))) {
            assertArrayEquals(all(cache), all(stream));
        }
    }

    @Test
    void aStreamStoresTokensNotActivationsIsReusedAndRunsEachForwardBatchOnceWhenReadInOrder() throws IOException {
        ActivationActivitiesImpl activities = workspace.activities();
        ActivationsRef first = activities.ensureActivations("first", streamed(FixtureModelSpec.mlpOut(TOKENS)));
        ActivationsRef second = activities.ensureActivations("second", streamed(FixtureModelSpec.mlpOut(TOKENS)));

        assertEquals(first, second, "the same source reuses the stream");
        assertEquals(0, activities.contextsForwarded(), "making a stream runs no context through the model");
        Path dir = ArtifactStore.directory(first.artifact());
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("shard-")), "no activation shards");
        }
        assertEquals(TOKENS * 4 + 128, Files.size(dir.resolve(StreamDescriptor.TOKENS_FILE)),
                "4 bytes per token after the .npy header");
        try (ModelActivationStream stream = (ModelActivationStream) ActivationSources.open(dir)) {
            float[] row = new float[stream.dIn()];
            for (long r = 0; r < TOKENS; r++) {
                stream.readRow(r, row, 0);
            }
            assertEquals(CONTEXTS, stream.contextsForwarded(), "every context ran once");
        }
        ActivationsRef otherBuffer = activities.ensureActivations("third", FixtureModelSpec.mlpOut(TOKENS)
                .withStreaming(new ActivationSourceSpec.Streaming(4096)));
        assertNotEquals(first.artifact().key(), otherBuffer.artifact().key(), "the buffer orders training: keyed");
    }

    @Test
    void aCopyOfTheStreamOnAnotherMachineRunsItsOwnCopyOfTheWeightsAndRefusesAlteredOnes() throws IOException {
        ActivationsRef streamed = workspace.activities().ensureActivations("streamed",
                streamed(FixtureModelSpec.mlpOut(TOKENS)));
        Path original = ArtifactStore.directory(streamed.artifact());
        Path copy = workspace.store.root().resolve("elsewhere");
        try (Stream<Path> files = Files.walk(original)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(original.relativize(file).toString()));
            }
        }
        try (ActivationSource source = ActivationSources.open(original);
             ActivationSource copied = ActivationSources.open(copy)) {
            assertArrayEquals(all(source), all(copied));
        }

        ModelActivationCacheTest.flipAByte(copy.resolve("model/model.safetensors"));

        try (ActivationSource altered = ActivationSources.open(copy)) {
            ArtifactCorruptException e = assertThrows(ArtifactCorruptException.class, () -> all(altered));
            assertTrue(e.getMessage().contains("not to the") && e.getMessage().contains("the stream was made from"),
                    e.getMessage());
        }
    }

    @Test
    void aBufferTooLargeForOneArrayIsABadInputNamingTheField() {
        ActivationsRef streamed = workspace.activities().ensureActivations("streamed",
                FixtureModelSpec.mlpOut(TOKENS).withStreaming(new ActivationSourceSpec.Streaming(1L << 26)));

        try (ModelActivationStream stream = ModelActivationStream.open(ArtifactStore.directory(streamed.artifact()))) {
            ModelSourceException e = assertThrows(ModelSourceException.class, () -> stream.shuffleConfig(64, 0));
            assertTrue(e.getMessage().startsWith("activations.buffer_tokens: 67108864 rows of width 64 do not fit "
                    + "in one shuffle buffer"), e.getMessage());
        }
    }

    private static float[] all(ActivationSource source) {
        float[] rows = new float[(int) source.tokens() * source.dIn()];
        source.read(0, (int) source.tokens(), rows, 0);
        return rows;
    }
}
