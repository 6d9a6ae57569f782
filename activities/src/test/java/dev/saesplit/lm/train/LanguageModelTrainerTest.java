package dev.saesplit.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.CutVocabularyTokenizer;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.spec.LanguageModelSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer on slices of the running Python's standard library. */
class LanguageModelTrainerTest {

    @TempDir
    Path temp;

    @Test
    void heldOutLossFallsBelowTheBigramBaselineOnASmallCorpusSlice() {
        TrainingCorpus corpus = TrainingCorpus.open(SmallLanguageModels.stdlibEmail());
        CutVocabulary vocabulary = corpus.vocabulary(512);
        TokenContexts training = corpus.trainingContexts(vocabulary, 32);
        HeldOutSample heldOut = HeldOutSample.of(corpus.heldOutContexts(vocabulary, 32), 128);
        NgramBaselines baselines = NgramBaselines.measure(training, heldOut, vocabulary.size());
        TransformerConfig config = TrainableTransformer.config("email", 1, 64, 4, 256, vocabulary.size(), 32);

        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             LanguageModelTrainer trainer = LanguageModelTrainer.open(config,
                     SmallLanguageModels.training(300, 16, 5e-3, 1000), training, heldOut, manager, Optional.empty(),
                     LmTrainingListener.NONE, 100)) {
            double before = trainer.heldOutLoss();
            trainer.run();
            double after = trainer.heldOutLoss();

            assertTrue(baselines.bigram() < baselines.unigram(), baselines.toString());
            assertTrue(before > baselines.unigram(), "an untrained model is no better than token frequencies: "
                    + before);
            assertTrue(after < baselines.bigram(), "held-out loss " + after + " is not below the bigram baseline "
                    + baselines);
        }
    }

    @Test
    void aTrainingStoppedAfterACheckpointResumesToTheWeightsOfAnUninterruptedRun() {
        Fixture fixture = new Fixture();
        LanguageModelSpec.Training settings = SmallLanguageModels.training(30, 4, 3e-3, 10);
        TransformerWeights uninterrupted = fixture.train(settings, new LmCheckpoints(temp.resolve("a")),
                LmTrainingListener.NONE);

        LmCheckpoints checkpoints = new LmCheckpoints(temp.resolve("b"));
        RuntimeException crash = assertThrows(RuntimeException.class, () -> fixture.train(settings, checkpoints,
                new LmTrainingListener() {
                    @Override
                    public void checkpointed(long step, Path directory) {
                        if (step == 20) {
                            throw new IllegalStateException("the worker died");
                        }
                    }
                }));
        assertEquals("the worker died", crash.getMessage());
        long[] resumedFrom = {-1};
        TransformerWeights resumed = fixture.train(settings, checkpoints, new LmTrainingListener() {
            @Override
            public void resumed(long step) {
                resumedFrom[0] = step;
            }
        });

        assertEquals(20, resumedFrom[0]);
        for (NamedTensor tensor : uninterrupted.tensors().values()) {
            assertArrayEquals(tensor.values(), resumed.tensor(tensor.name()).values(), tensor.name()
                    + " differs from the uninterrupted run's");
        }
        assertTrue(!Arrays.equals(uninterrupted.tensor("embed.W_E").values(),
                TrainableTransformer.initialWeights(uninterrupted.config(), 7).get("embed.W_E")), "nothing was trained");
    }

    @Test
    void theModelStageLoadsTheSavedModelAndComputesTheTrainersLogits() throws Exception {
        Fixture fixture = new Fixture();
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             LanguageModelTrainer trainer = fixture.open(SmallLanguageModels.training(10, 4, 3e-3, 100), manager,
                     Optional.empty(), LmTrainingListener.NONE)) {
            trainer.run();
            TransformerWeights trained = trainer.weights();
            TrainedModelFiles.write(temp, trained, fixture.vocabulary);

            TransformerWeights loaded = TransformerWeights.load(temp);
            assertEquals(trained.config(), loaded.config());
            for (Map.Entry<String, NamedTensor> entry : trained.tensors().entrySet()) {
                assertArrayEquals(entry.getValue().values(), loaded.tensor(entry.getKey()).values(), entry.getKey());
            }
            try (Tokenizer tokenizer = Tokenizers.open(temp.toString());
                 Transformer stage = Transformer.upload(loaded, manager);
                 NDManager scope = trainer.model().stepScope()) {
                String text = "def parse(self, line):\n    return line.split('-')\n";
                assertArrayEquals(new CutVocabularyTokenizer(fixture.vocabulary).encode(text), tokenizer.encode(text));
                int[] ids = tokenizer.encode(text);
                long[] tokens = new long[16];
                for (int i = 1; i < 16; i++) {
                    tokens[i] = ids[i - 1];
                }
                NDArray input = scope.create(tokens, new Shape(1, 16));
                float[] expected = trainer.model().logits(input).toFloatArray();
                float[] actual = stage.logits(input).toFloatArray();
                float worst = 0;
                for (int i = 0; i < expected.length; i++) {
                    worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
                }
                // Not bitwise: the model stage folds 1/sqrt(d_head) into W_Q and fuses Q, K and V differently.
                assertTrue(worst < 1e-5, "logits differ by up to " + worst);
            }
        }
    }

    /** A tiny model on the {@code json} package, 16-token contexts. */
    private static final class Fixture {
        final TrainingCorpus corpus = TrainingCorpus.open(SmallLanguageModels.stdlibJson());
        final CutVocabulary vocabulary = corpus.vocabulary(256);
        final TokenContexts training = corpus.trainingContexts(vocabulary, 16);
        final HeldOutSample heldOut = HeldOutSample.of(corpus.heldOutContexts(vocabulary, 16), 8);
        final TransformerConfig config = TrainableTransformer.config("json", 1, 32, 2, 64, vocabulary.size(), 16);

        LanguageModelTrainer open(LanguageModelSpec.Training settings, NDManager manager,
                                  Optional<LmCheckpoints> checkpoints, LmTrainingListener listener) {
            return LanguageModelTrainer.open(config, settings, training, heldOut, manager, checkpoints, listener, 5);
        }

        TransformerWeights train(LanguageModelSpec.Training settings, LmCheckpoints checkpoints,
                                 LmTrainingListener listener) {
            try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
                 LanguageModelTrainer trainer = open(settings, manager, Optional.of(checkpoints), listener)) {
                trainer.run();
                return trainer.weights();
            }
        }
    }
}
