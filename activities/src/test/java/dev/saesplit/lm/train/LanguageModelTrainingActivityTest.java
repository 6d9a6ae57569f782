package dev.saesplit.lm.train;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.spec.LanguageModelSpec;
import dev.saesplit.store.ClosedAfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The language-model training as Temporal runs it: it stores a model folder the model stage loads, a second request
 * reuses it without training, and an attempt killed after a checkpoint is retried from that checkpoint to the
 * weights of an uninterrupted run.
 */
class LanguageModelTrainingActivityTest {

    private static final LanguageModelSpec SPEC = new LanguageModelSpec("json-tiny",
            new LanguageModelSpec.Model(1, 32, 2, 64, 16, 256), SmallLanguageModels.stdlibJson(),
            SmallLanguageModels.training(30, 4, 3e-3, 10));

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();

    @Test
    void storesAModelFolderTheModelStageLoadsAndReusesItWhenAskedAgain() {
        ArtifactStore store = newStore();
        ArtifactRef first = train(new LanguageModelTrainingActivitiesImpl(store));

        Path folder = ArtifactStore.directory(first);
        for (String file : List.of("model.safetensors", "config.json", CutVocabulary.FILE_NAME,
                TrainingReport.FILE_NAME)) {
            assertTrue(Files.isRegularFile(folder.resolve(file)), file + " is missing from " + folder);
        }
        TransformerWeights weights = TransformerWeights.load(folder);
        assertEquals("json-tiny", weights.config().modelName());
        TrainingReport report = TrainingReport.read(folder);
        assertEquals(30, report.steps());
        assertEquals(weights.config().dVocab(), report.vocabulary());
        assertEquals(SampleCompletions.PROMPTS.size(), report.samples().size());
        assertTrue(report.heldOutLoss() > 0 && report.heldOutLoss() < report.unigramLoss() + 2, report.toString());

        AtomicLong stepsTrained = new AtomicLong();
        ArtifactRef second = train(new LanguageModelTrainingActivitiesImpl(store, new LmTrainingListener() {
            @Override
            public void trained(long step, long totalSteps, double loss, double learningRate) {
                stepsTrained.incrementAndGet();
            }
        }));
        assertEquals(first, second);
        assertEquals(0, stepsTrained.get(), "a trained model is not trained again");
    }

    @Test
    void aRetryAfterTheWorkerDiedResumesFromTheCheckpointToTheUninterruptedWeights() {
        TransformerWeights uninterrupted = TransformerWeights.load(ArtifactStore.directory(
                train(new LanguageModelTrainingActivitiesImpl(newStore()))));

        ArtifactStore store = newStore();
        assertThrows(RuntimeException.class, () -> train(new LanguageModelTrainingActivitiesImpl(store,
                new LmTrainingListener() {
                    @Override
                    public void checkpointed(long step, Path directory) {
                        if (step == 20) {
                            throw new IllegalStateException("the worker died");
                        }
                    }
                })));
        AtomicLong resumedFrom = new AtomicLong(-1);
        ArtifactRef resumed = train(new LanguageModelTrainingActivitiesImpl(store, new LmTrainingListener() {
            @Override
            public void resumed(long step) {
                resumedFrom.set(step);
            }
        }));

        assertEquals(20, resumedFrom.get());
        TransformerWeights weights = TransformerWeights.load(ArtifactStore.directory(resumed));
        for (NamedTensor tensor : uninterrupted.tensors().values()) {
            assertArrayEquals(tensor.values(), weights.tensor(tensor.name()).values(), tensor.name());
        }
        assertEquals(20, TrainingReport.read(ArtifactStore.directory(resumed)).resumedFromStep());
    }

    private ArtifactRef train(LanguageModelTrainingActivitiesImpl activities) {
        return opened.environment(activities).newActivityStub(LanguageModelTrainingActivities.class)
                .trainLanguageModel(SPEC, "lm-test");
    }

    private ArtifactStore newStore() {
        return opened.freshStore(opened.freshDatabase());
    }
}
