package dev.saesplit.spec;

import dev.saesplit.pipeline.ArtifactRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.saesplit.spec.SpecFixtures.oneRowOver;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model source that trains its model ({@code model: {train: SPEC}}), reads a corpus
 * ({@code dataset: {source: python-stdlib}}) and chooses its target by token ({@code target_latent: {token: "-"}}).
 */
class TrainedModelSourceSpecTest {

    private static final String LM = """
            name: tiny-lm
            model: {layers: 1, d_model: 32, heads: 2, d_mlp: 64, n_ctx: 32, vocab: 300}
            dataset: {source: python-stdlib}
            """;

    private static final String TRAINED = """
              source: model
              model: {train: models/lm.yaml}
              dataset: {source: python-stdlib, held_out: 0.1}
              hook: blocks.0.hook_mlp_out
              context_size: 32
              tokens: 2k
            """;

    @Test
    void aTrainedModelCorpusAndTokenTargetAreRead(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/lm.yaml"), LM);

        ExperimentSpec parsed = SpecParser.parse(oneRowOver(TRAINED, "{token: \"-\"}"), "x.yaml", dir);

        ActivationSourceSpec.Model model = assertInstanceOf(ActivationSourceSpec.Model.class, parsed.activations());
        assertEquals("tiny-lm", model.model(), "the trained model's name labels the activations");
        assertEquals(32, model.train().model().dModel());
        assertNull(model.weights(), "known once trained");
        assertNull(model.tokenizer(), "known once trained");
        assertEquals(new LanguageModelSpec.Corpus(LanguageModelSpec.Source.PYTHON_STDLIB, null, List.of(".py"), 0.1),
                model.corpus());
        assertEquals("python-stdlib", model.dataset());
        assertNull(model.datasetPath());
        assertEquals(new TargetLatent.Token("-"), parsed.targetLatent());

        ArtifactRef lm = new ArtifactRef("lm", "k", "mlflow-artifacts://127.0.0.1:5000/saesplit/lm/k", "h");
        ActivationSourceSpec.Model trained = model.withTrainedModel(lm);
        assertEquals(lm, trained.trained());
        assertNull(trained.weights(), "no path until an activity takes its copy");
        assertNull(trained.train(), "trained already");
        assertEquals(model.corpus(), trained.corpus());

        ActivationSourceSpec.Model local = trained.localised(dir.resolve("copy"));
        assertEquals(dir.resolve("copy"), local.weights());
        assertEquals(dir.resolve("copy").toString(), local.tokenizer());
        assertNull(local.trained());
        assertEquals(model.corpus(), local.corpus());
    }

    @Test
    void aFolderCorpusResolvesAgainstTheSpecAndAnIntegerTargetStillWorks(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("texts"));
        Files.writeString(dir.resolve("tokenizer.json"), "{}");

        ExperimentSpec parsed = SpecParser.parse(oneRowOver("""
                  source: model
                  model: tiny
                  weights: .
                  tokenizer: tokenizer.json
                  dataset: {source: folder, path: texts, extensions: [.md]}
                  hook: blocks.0.hook_mlp_out
                  tokens: 2k
                """, "3"), "x.yaml", dir);

        ActivationSourceSpec.Model model = (ActivationSourceSpec.Model) parsed.activations();
        assertEquals(new LanguageModelSpec.Corpus(LanguageModelSpec.Source.FOLDER, dir.resolve("texts"),
                List.of(".md"), 0.05), model.corpus());
        assertEquals(new TargetLatent.Index(3), parsed.targetLatent());
    }

    @Test
    void problemsAreNamedWithTheirFieldIncludingThoseOfTheModelSpec(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/lm.yaml"), LM.replace("heads: 2", "heads: 5"));

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(oneRowOver("""
                  source: model
                  model: {train: models/lm.yaml}
                  weights: elsewhere
                  dataset: {source: python-stdlib, path: lib}
                  hook: blocks.0.hook_mlp_out
                  context_size: 64
                  tokens: 2k
                """, "{token: \"-\"}"), "x.yaml", dir));

        String message = e.getMessage();
        assertTrue(message.contains("activations.model.train: the language-model spec is invalid: ")
                && message.contains("model.heads: must divide d_model 32, got 5"), message);
        assertTrue(message.contains("activations.weights: the model trained from model.train brings its own "
                + "weights and tokenizer: leave weights out"), message);
        assertTrue(message.contains("activations.dataset.path: python-stdlib finds its folder itself"), message);
    }

    @Test
    void aContextLongerThanTheTrainedModelsIsRefused(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("models"));
        Files.writeString(dir.resolve("models/lm.yaml"), LM);

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                oneRowOver(TRAINED.replace("context_size: 32", "context_size: 64"), "{token: \"-\"}"), "x.yaml", dir));

        assertTrue(e.getMessage().contains("activations.context_size: 64 is longer than the trained model's n_ctx 32"),
                e.getMessage());
    }

    @Test
    void aTokenTargetNeedsALanguageModelSource(@TempDir Path dir) {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                oneRowOver("  source: npy\n  files: [a.npy]\n", "{token: \"-\"}"), "x.yaml", dir));

        assertTrue(e.getMessage().contains("target_latent: {token: ...} names a token of a language model's "
                + "vocabulary, which only a source: model has"), e.getMessage());
    }
}
