package dev.saesplit.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of bad input yields a message naming the file, line, column and field. The base spec below is
 * valid; each case replaces one of its lines.
 */
class InvalidSpecTest {

    private static final String VALID = SpecFixtures.HEAD + """
            target_latent: 3
            filter_threshold: 2.0
            training:
              batch_size: 64
            runs:
              - {id: a, width: 32, seed: 1, init: narrow, normalised: true, data: filtered, loss: standard, tokens: 10k}
              - {id: b, width: 32, seed: 2, init: random, normalised: false, data: all, loss: standard, tokens: 10k}
            """;

    @Test
    void theBaseSpecIsValid() throws SpecValidationException {
        assertEquals("tiny", SpecParser.parse(VALID, "tiny.yaml", Path.of(".")).name());
    }

    @ParameterizedTest(name = "line {0} ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # line | replacement                                | expected problem
            14     | '  batch_sise: 64'                         | spec.yaml:14:3: training.batch_sise: unknown field 'batch_sise'; expected one of: batch_size, checkpoint_every, l1_warmup_steps, learning_rate, log_every, lr_decay_steps, lr_warmup_steps, shared_stream, sparsity_coefficient
            3      | '  source: csv'                            | spec.yaml:3:3: activations.source: expected one of synthetic, npy, model, got "csv"
            4      | '  d_in: sixteen'                          | spec.yaml:4:3: activations.d_in: expected a whole number, got "sixteen"
            9      | '  width: -8'                              | spec.yaml:9:3: narrow_sae.width: must be in [1, 16777216], got -8
            11     | 'target_latent: 8'                         | spec.yaml:11:1: target_latent: must be below the narrow SAE's width 8, got 8
            12     | 'filter_threshold: .nan'                   | spec.yaml:12:1: filter_threshold: must be a finite number, got .nan
            12     | 'filter_threshold: -1'                     | spec.yaml:12:1: filter_threshold: must be at least 0, got -1
            14     | '  batch_size: 1.5'                        | spec.yaml:14:3: training.batch_size: expected a whole number, got 1.5
            14     | '  lr_decay_steps: -5'                     | spec.yaml:14:3: training.lr_decay_steps: must be at least 0, got -5
            16     | '  - {id: a, width: -32, seed: 1, init: random, normalised: true, data: all, loss: standard, tokens: 10k}' | spec.yaml:16:13: runs[0].width: must be in [1, 16777216], got -32
            16     | '  - {id: a, width: 4, seed: 1, init: narrow, normalised: true, data: all, loss: standard, tokens: 10k}'   | spec.yaml:16:13: runs[0].width: init narrow copies the 8-latent narrow SAE, so width must be at least 8, got 4
            16     | '  - {id: a, width: 32, seed: 1, init: copy, normalised: true, data: all, loss: standard, tokens: 10k}'   | spec.yaml:16:33: runs[0].init: expected one of random, narrow, got "copy"
            16     | '  - {id: a, width: 32, seed: 1, init: random, normalised: 1, data: all, loss: standard, tokens: 10k}'    | spec.yaml:16:47: runs[0].normalised: expected true or false, got 1
            16     | '  - {id: a, width: 32, seed: 1, init: random, normalised: true, data: all, loss: zero-target, tokens: 10k}' | spec.yaml:16:76: runs[0].loss: zero-target zeroes the copied target latent, so it needs init: narrow
            16     | '  - {id: a, width: 32, seed: 1, init: random, normalised: true, data: all, loss: standard, tokens: 10k, lr: 1}' | spec.yaml:16:105: runs[0].lr: unknown field 'lr'; expected one of: architecture, data, groups, id, init, k, l0_coefficient, loss, normalised, purpose, reported, sae, seed, tokens, width
            16     | '  - {id: a, width: 32, seed: 1, init: random, normalised: true, data: all, loss: standard}'             | spec.yaml:16:5: runs[0].tokens: required field is missing
            17     | '  - {id: a, width: 32, seed: 2, init: random, normalised: false, data: all, loss: standard, tokens: 10k}' | spec.yaml:17:6: runs[1].id: duplicate run id "a" (first used by runs[0])
            """)
    void aBadFieldIsNamedWithItsLocation(int line, String replacement, String expected) {
        assertEquals(expected, SpecFixtures.singleProblem(replaceLine(line, replacement)).toString());
    }

    @Test
    void everyProblemIsReportedAtOnceInDocumentOrder() {
        String yaml = replaceLine(16,
                "  - {id: a, width: -32, seed: 1, init: copy, normalised: true, data: all, loss: standard, tokens: 10k}")
                .replace("  d_in: 16", "  d_in: 0");

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(yaml, "spec.yaml", Path.of(".")));

        assertEquals(3, e.problems().size(), e.getMessage());
        assertEquals("activations.d_in", e.problems().get(0).field());
        assertEquals("runs[0].width", e.problems().get(1).field());
        assertEquals("runs[0].init", e.problems().get(2).field());
    }

    @Test
    void aMissingSpecFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("absent.yaml");

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(missing));

        assertEquals(missing + ": no such file", e.problems().get(0).toString());
    }

    @Test
    void aMissingNpyFileIsNamedRelativeToTheSpec(@TempDir Path dir) throws Exception {
        Files.createFile(dir.resolve("present.npy"));
        Path spec = dir.resolve("npy.yaml");
        Files.writeString(spec, VALID.replace(SpecFixtures.SYNTHETIC_ACTIVATIONS, """
                  source: npy
                  files: [present.npy, absent.npy]
                """));

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("activations.files[1]", e.problems().get(0).field());
        assertTrue(e.problems().get(0).message().contains(dir.resolve("absent.npy").toString()), e.getMessage());
    }

    @Test
    void malformedYamlIsLocated() {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse("name: x\nruns: [\n", "broken.yaml", Path.of(".")));

        SpecProblem problem = e.problems().get(0);
        assertEquals(2, problem.line());
        assertTrue(problem.message().startsWith("not valid YAML"), problem.message());
    }

    @Test
    void anExistingNarrowSaesWidthComesFromItsCfgJson(@TempDir Path dir) throws Exception {
        Path sae = Files.createDirectories(dir.resolve("narrow"));
        Files.writeString(sae.resolve("cfg.json"), "{\"d_in\": 16, \"d_sae\": 8}");
        Files.createFile(sae.resolve("sae_weights.safetensors"));
        Path spec = dir.resolve("existing.yaml");
        Files.writeString(spec, VALID.replace("  width: 8\n  tokens: 10k\n", "  path: narrow\n"));

        ExperimentSpec parsed = SpecParser.parse(spec);

        assertEquals(new NarrowSaeSpec.Existing(sae, 8), parsed.narrowSae());
    }

    private static String replaceLine(int line, String replacement) {
        String[] lines = VALID.split("\n", -1);
        lines[line - 1] = replacement;
        return String.join("\n", lines);
    }
}
