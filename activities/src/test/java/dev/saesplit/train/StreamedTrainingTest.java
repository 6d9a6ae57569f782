package dev.saesplit.train;

import dev.saesplit.activations.ActivationActivitiesImpl;
import dev.saesplit.activations.FixtureModelSpec;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.data.ActivationSources;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.TrainingSpec;
import dev.saesplit.store.ClosedAfterEach;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Training from activations streamed from the fixture model: the batches come from the training rows only, every
 * epoch visits each of them once, and a training killed after a checkpoint resumes to the uninterrupted weights.
 */
class StreamedTrainingTest {

    private static final String SPEC = TrainingWorkspace.oneRowSpec("stream", "1k", "1k");
    /** 200 contexts of 16: 2,880 training rows, three chunks of 1,024 rows, each its own window of the buffer. */
    private static final long CONTEXTS = 200;
    private static final ActivationSourceSpec.Model SOURCE = FixtureModelSpec.mlpOut(CONTEXTS * FixtureModelSpec.CONTEXT)
            .withStreaming(new ActivationSourceSpec.Streaming(1024));
    private static final TrainingSpec TRAINING = new TrainingSpec(64, 1e-3, 1.0, 5, 5, 0, 10, 5);
    /** 70 steps: past the end of the first epoch. */
    private static final long TOKENS = 64 * 70;

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();
    private final ArtifactStore store = opened.freshStore(opened.freshDatabase());

    @Test
    void batchesFromAStreamHoldOnlyTrainingRowsAndEachEpochVisitsEveryTrainingRowOnce() {
        ActivationsRef data = new ActivationActivitiesImpl(store).ensureActivations("stream", SOURCE);
        Path dir = ArtifactStore.directory(data.artifact());
        try (ActivationSource all = ActivationSources.open(dir);
             ActivationSource training = HeldOutSplit.training(ActivationSources.open(dir));
             ActivationSource heldOut = HeldOutSplit.heldOut(ActivationSources.open(dir))) {
            Map<List<Float>, Integer> trainingRows = rows(training);
            Set<List<Float>> heldOutOnly = new HashSet<>(rows(heldOut).keySet());
            heldOutOnly.removeAll(trainingRows.keySet());
            assertFalse(heldOutOnly.isEmpty(), "the held-out contexts have rows of their own");
            assertEquals(CONTEXTS * FixtureModelSpec.CONTEXT, all.tokens());

            ShuffleConfig shuffle = ActivationSources.shuffleConfig(dir, 64, 5, training.dIn());
            assertEquals(8 * FixtureModelSpec.CONTEXT * 8, shuffle.chunkRows(), "chunks of whole forward batches");
            assertEquals(1, shuffle.windowChunks(), "a buffer of 1,024 tokens holds one chunk");
            try (ShuffledBatchStream batches = new ShuffledBatchStream(training, shuffle)) {
                int d = training.dIn();
                float[] batch = new float[64 * d];
                Map<List<Float>, Integer> firstEpoch = new HashMap<>();
                long epochSteps = training.tokens() / 64;
                for (long step = 0; step < 3 * epochSteps; step++) {
                    batches.next(batch);
                    for (int r = 0; r < 64; r++) {
                        List<Float> row = row(batch, r, d);
                        assertFalse(heldOutOnly.contains(row), "a held-out row reached batch " + step);
                        if (step < epochSteps) {
                            firstEpoch.merge(row, 1, Integer::sum);
                        }
                    }
                }
                assertEquals(trainingRows, firstEpoch, "the first epoch is the training rows, each once");
            }
        }
    }

    @Test
    void aStreamedTrainingKilledAfterACheckpointResumesToTheUninterruptedWeights() throws Exception {
        Workspace whole = new Workspace();
        SaeWeights uninterrupted = whole.train(whole.activities());

        Workspace interrupted = new Workspace();
        TestActivityEnvironment dying = opened.environment(interrupted.crashingAfterCheckpoint(50));
        assertThrows(RuntimeException.class,
                () -> dying.newActivityStub(TrainingActivities.class).train(interrupted.request()));
        SaeWeights resumed = interrupted.train(interrupted.activities());

        assertTrue(resumed.bitwiseEquals(uninterrupted), "resumed weights differ from the uninterrupted run's");
        assertEquals(List.of(50L), interrupted.metricSteps("a", "train/resumed_from_step"));
    }

    /** A workspace of its own, with the stream made and row {@code a} initialised. */
    private final class Workspace extends TrainingWorkspace {
        final SaeRef initial;

        Workspace() throws Exception {
            super(opened, SPEC, SOURCE, null);
            initial = initialise("a", 96, 5);
        }

        TrainRequest request() {
            return new TrainRequest("stream", "a", initial, data, null, TRAINING, TOKENS, 5, -1);
        }

        SaeWeights train(TrainingActivitiesImpl activities) {
            return SaeLensFormat.read(ArtifactStore.directory(opened.environment(activities)
                    .newActivityStub(TrainingActivities.class).train(request()).artifact()));
        }
    }

    private static Map<List<Float>, Integer> rows(ActivationSource source) {
        int d = source.dIn();
        float[] all = new float[(int) source.tokens() * d];
        source.read(0, (int) source.tokens(), all, 0);
        Map<List<Float>, Integer> counts = new HashMap<>();
        for (int r = 0; r < source.tokens(); r++) {
            counts.merge(row(all, r, d), 1, Integer::sum);
        }
        return counts;
    }

    private static List<Float> row(float[] rows, int r, int d) {
        Float[] boxed = new Float[d];
        for (int i = 0; i < d; i++) {
            boxed[i] = rows[r * d + i];
        }
        return Arrays.asList(boxed);
    }
}
