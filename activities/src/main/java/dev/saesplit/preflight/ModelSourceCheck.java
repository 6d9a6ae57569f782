package dev.saesplit.preflight;

import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.lm.ModelSourceException;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.DocumentSources;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.SpecCheck.Problems;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What can be checked of a {@code source: model} spec without running anything: the model's {@code config.json}
 * (readable, a supported architecture), every tensor's name and shape in the weights file's header (a safetensors
 * header, a {@code torch.save} archive's pickle) against it, every weight finite (read one tensor at a time), the
 * hook against the config, the context size against its {@code n_ctx}, that a text dataset has a tokenizer and
 * that a pre-tokenized one has a row for every context. Reads the config, the weights and the dataset's metadata,
 * never the tokens.
 */
final class ModelSourceCheck {

    private ModelSourceCheck() {
    }

    private static final String TOKENIZER_PROBE = "I'm a multi-millionaire; a 3-point landing, long-standing."
            + " ".repeat(5000) + "x" + "a".repeat(5000) + "!";

    /** A text dataset needs a tokenizer; a pre-tokenized one needs a row per context (its metadata says). */
    private static void checkDataset(ActivationSourceSpec.Model model, Problems problems) {
        try {
            if (!DocumentSources.isPretokenized(model.datasetPath())) {
                if (model.tokenizer() == null) {
                    problems.report("activations.tokenizer", "the dataset " + model.datasetPath() + " holds text, "
                            + "which needs a tokenizer: set tokenizer: to gpt2 or a tokenizer.json");
                } else {
                    exerciseTokenizer(model.tokenizer(), problems);
                }
                return;
            }
            LanguageModel.requireEnoughContexts(model, DocumentSources.open(model.datasetPath(), Optional.empty()));
        } catch (ModelSourceException e) {
            problems.report(e.field(), e.problem());
        } catch (RuntimeException e) {
            problems.report("activations.dataset", SpecArtifactsCheck.describe(e));
        }
    }

    /**
     * Opens the tokenizer and encodes a probe with it (words, a hyphen, a long run of spaces), so that validate
     * accepts only a tokenizer that a run can use.
     */
    private static void exerciseTokenizer(String spec, Problems problems) {
        try (Tokenizer tokenizer = Tokenizers.open(spec)) {
            tokenizer.encode(TOKENIZER_PROBE);
        } catch (RuntimeException e) {
            problems.report("activations.tokenizer", SpecArtifactsCheck.describe(e));
        }
    }

    /** The width of the hook's activations when the weights are named and their config is sound. */
    static OptionalInt activationWidth(ActivationSourceSpec.Model model, Problems problems) {
        if (model.datasetPath() != null) {
            checkDataset(model, problems);
        }
        if (model.weights() == null) {
            return OptionalInt.empty();
        }
        TransformerConfig config;
        try {
            // Every tensor's name and shape against the config, as caching checks them before it reads the
            // values, then every value read as caching reads it (a NaN is refused there too).
            config = TransformerWeights.check(model.weights()).config();
        } catch (RuntimeException e) {
            problems.report("activations.weights", SpecArtifactsCheck.describe(e));
            return OptionalInt.empty();
        }
        try {
            HookPoint hook = LanguageModel.hook(model, config);
            return OptionalInt.of(hook.width(config));
        } catch (ModelSourceException e) {
            problems.report(e.field(), e.problem());
            return OptionalInt.empty();
        }
    }
}
