package dev.saesplit.preflight;

import dev.saesplit.activations.FixtureModelSpec;
import dev.saesplit.lm.ModelCopies;
import dev.saesplit.lm.PublishedLayoutFixture;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.WeightProcessing;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code source: model} spec is checked at validation as caching will read it: the config, every tensor's shape,
 * every weight finite.
 */
class ModelSourceCheckTest {

    @TempDir
    Path dir;

    private String spec(String hook, int context, String extra) {
        return """
                name: lm
                activations:
                  source: model
                  model: fixture
                  weights: %s
                  tokenizer: %s
                  dataset: %s
                  hook: %s
                  context_size: %d
                  tokens: 4k
                %snarrow_sae: {path: narrow}
                target_latent: 3
                runs:
                  - {id: a, width: 16, seed: 1, init: random, normalised: true, data: all, tokens: 4k}
                """.formatted(FixtureModelSpec.resource("lm/tl-safetensors"),
                FixtureModelSpec.resource("lm/tokens/tokenizer.json"),
                FixtureModelSpec.resource("lm/corpus/hyphens.jsonl"), hook, context, extra);
    }

    private void narrowSae(int dIn) throws Exception {
        SaeLensFormat.write(dir.resolve("narrow"), SaeFixtures.randomSae(dIn, 8, new StandardArchitecture(), 1),
                new float[8]);
    }

    @Test
    void aSpecMatchingTheModelIsAcceptedAndTheHookWidthChecksTheNarrowSae() throws Exception {
        narrowSae(256);
        assertEquals(8, SpecParser.parse(write(spec("blocks.1.mlp.hook_post", 32, "")), new SpecArtifactsCheck())
                .narrowSae().width());

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                write(spec("blocks.1.hook_mlp_out", 32, "")), new SpecArtifactsCheck()));
        assertTrue(e.getMessage().contains("narrow_sae.path: the SAE at " + dir.resolve("narrow")
                + " reads activations of d_in 256, but the activations have d 64"), e.getMessage());
    }

    @Test
    void aTargetTokenThatIsNotOneTokenOfTheTokenizerIsRejectedBeforeAnythingRuns() throws Exception {
        narrowSae(64);
        String hyphen = spec("blocks.0.hook_mlp_out", 16, "").replace("target_latent: 3", "target_latent: {token: \"-\"}");
        assertEquals("-", ((dev.saesplit.spec.TargetLatent.Token) SpecParser.parse(write(hyphen),
                new SpecArtifactsCheck()).targetLatent()).token());

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                write(hyphen.replace("{token: \"-\"}", "{token: \"thread-safe!\"}")), new SpecArtifactsCheck()));
        assertTrue(e.getMessage().contains("target_latent.token: \"thread-safe!\" is not one token of the model's "
                + "vocabulary: it encodes as "), e.getMessage());
    }

    @Test
    void aHookTheModelLacksAndAContextLongerThanItsNCtxAreLocated() throws Exception {
        narrowSae(64);

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                write(spec("blocks.2.hook_mlp_out", 16, "")), new SpecArtifactsCheck()));
        assertTrue(e.getMessage().contains("lm.yaml:8:3: activations.hook: hook 'blocks.2.hook_mlp_out': layer 2 does not exist"),
                e.getMessage());

        e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                write(spec("blocks.0.hook_mlp_out", 64, "")), new SpecArtifactsCheck()));
        assertTrue(e.getMessage().contains("lm.yaml:9:3: activations.context_size: 64 is longer than the model's "
                + "n_ctx 32"), e.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"\"d_model\": 0", "\"n_ctx\": -1", "\"act_fn\": \"swish\"",
            "\"n_layers\": 1.5", "\"d_head\": \"16\""})
    void aConfigJsonTheEngineCannotRunIsReportedAtTheWeightsField(String setting) throws Exception {
        narrowSae(64);
        Path model = java.nio.file.Files.createDirectories(dir.resolve("model"));
        Path fixture = FixtureModelSpec.resource("lm/tl-safetensors");
        java.nio.file.Files.copy(fixture.resolve("model.safetensors"), model.resolve("model.safetensors"));
        String key = setting.substring(0, setting.indexOf(':'));
        java.nio.file.Files.writeString(model.resolve("config.json"), java.nio.file.Files.readString(
                fixture.resolve("config.json")).replaceFirst(java.util.regex.Pattern.quote(key) + ": [^,]+", setting));
        String yaml = spec("blocks.0.hook_mlp_out", 16, "").replace(fixture.toString(), model.toString());

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(write(yaml), new SpecArtifactsCheck()));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("activations.weights", e.problems().get(0).field(), e.getMessage());
    }

    @Test
    void aModelInThePublishedLayoutValidates() throws Exception {
        narrowSae(64);
        Path model = PublishedLayoutFixture.write(dir.resolve("published"));
        String yaml = spec("blocks.0.hook_mlp_out", 16, "  weight_processing: from-pretrained\n")
                .replace(FixtureModelSpec.resource("lm/tl-safetensors").toString(), model.toString());

        assertEquals(WeightProcessing.FROM_PRETRAINED, ((ActivationSourceSpec.Model) SpecParser.parse(write(yaml),
                new SpecArtifactsCheck()).activations()).weightProcessing());
    }

    @Test
    void aModelWhoseTensorsDoNotMatchItsConfigIsRejectedNamingTheTensorBeforeAnythingRuns() throws Exception {
        narrowSae(64);
        Path model = PublishedLayoutFixture.write(dir.resolve("published"), Set.of(), 128);
        String yaml = spec("blocks.0.hook_mlp_out", 16, "")
                .replace(FixtureModelSpec.resource("lm/tl-safetensors").toString(), model.toString());

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(write(yaml), new SpecArtifactsCheck()));

        assertEquals("activations.weights", e.problems().get(0).field(), e.getMessage());
        assertTrue(e.getMessage().contains("tensor 'blocks.0.mlp.W_in': has shape [64, 256] but config.json implies "
                + "[64, 128]"), e.getMessage());
    }

    @Test
    void aModelWithANonFiniteWeightIsRejectedNamingTheTensorBeforeAnythingRuns() throws Exception {
        narrowSae(256);
        Path model = ModelCopies.withValue(FixtureModelSpec.resource("lm/tl-safetensors"), dir.resolve("inf-model"),
                "blocks.1.attn.W_O", 7, Float.POSITIVE_INFINITY);
        String yaml = spec("blocks.1.mlp.hook_post", 32, "")
                .replace(FixtureModelSpec.resource("lm/tl-safetensors").toString(), model.toString());

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(write(yaml), new SpecArtifactsCheck()));

        assertEquals("activations.weights", e.problems().get(0).field(), e.getMessage());
        assertTrue(e.getMessage().contains("tensor 'blocks.1.attn.W_O'") && e.getMessage().contains(
                "Infinity at element 7"), e.getMessage());
    }

    @Test
    void anUnknownWeightProcessingIsLocated() throws Exception {
        narrowSae(64);
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(
                write(spec("blocks.0.hook_mlp_out", 16, "  weight_processing: fold\n")), new SpecArtifactsCheck()));
        assertTrue(e.getMessage().contains("activations.weight_processing: expected one of none, from-pretrained, got "),
                e.getMessage());
    }

    @Test
    void aPreTokenizedDatasetWithARowPerContextTooFewIsReportedAtTokens() throws Exception {
        narrowSae(64);
        // The tokens fixture's [3, 8] int64 array: three pre-tokenized rows, so at most three contexts.
        String yaml = spec("blocks.0.hook_mlp_out", 8, "")
                .replace(FixtureModelSpec.resource("lm/corpus/hyphens.jsonl").toString(),
                        FixtureModelSpec.resource("lm/tokens/tokens_int64.npy").toString())
                .replace("tokens: 4k", "tokens: 32");

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(write(yaml), new SpecArtifactsCheck()));

        assertTrue(e.getMessage().contains("lm.yaml:10:3: activations.tokens: 32 tokens need 4 contexts of 8, but the "
                + "pre-tokenized dataset has 3 rows, each one context"), e.getMessage());
        assertEquals(8, SpecParser.parse(write(yaml.replace("tokens: 32", "tokens: 24")), new SpecArtifactsCheck())
                .narrowSae().width());
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("lm.yaml");
        java.nio.file.Files.writeString(file, yaml);
        return file;
    }
}
