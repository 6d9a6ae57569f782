package dev.saesplit.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A language-model spec: defaults for what is left out, and every bad field named with its location. */
class LanguageModelSpecParserTest {

    private static final String VALID = """
            name: tiny-lm
            model:
              layers: 1
              d_model: 64
              heads: 4
              d_mlp: 256
              n_ctx: 32
              vocab: 512
            dataset:
              source: python-stdlib
            training:
              steps: 300
              batch_size: 16
            """;

    @Test
    void theBaseSpecIsValidAndLeftOutFieldsTakeTheirDefaults() throws SpecValidationException {
        LanguageModelSpec spec = LanguageModelSpecParser.parse(VALID, "lm.yaml", Path.of("."));

        assertEquals(new LanguageModelSpec.Model(1, 64, 4, 256, 32, 512), spec.model());
        assertEquals(16, spec.model().dHead());
        assertEquals(LanguageModelSpec.Source.PYTHON_STDLIB, spec.corpus().source());
        assertNull(spec.corpus().path());
        assertEquals(List.of(".py"), spec.corpus().extensions());
        assertEquals(LanguageModelSpecParser.DEFAULT_HELD_OUT, spec.corpus().heldOut());
        LanguageModelSpec.Training defaults = LanguageModelSpecParser.DEFAULT_TRAINING;
        assertEquals(new LanguageModelSpec.Training(300, 16, defaults.learningRate(), 30, defaults.minLrFraction(),
                defaults.gradientClip(), defaults.seed(), defaults.checkpointEvery(), defaults.evalEvery(),
                defaults.evalContexts()), spec.training());
    }

    @Test
    void aFolderCorpusResolvesAgainstTheSpecsDirectory(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("texts"));
        LanguageModelSpec spec = LanguageModelSpecParser.parse("""
                name: docs
                dataset: {source: folder, path: texts, extensions: [.md, .rst], held_out: 0.1}
                """, "lm.yaml", dir);

        assertEquals(new LanguageModelSpec.Corpus(LanguageModelSpec.Source.FOLDER, dir.resolve("texts"),
                List.of(".md", ".rst"), 0.1), spec.corpus());
        assertEquals(LanguageModelSpecParser.DEFAULT_MODEL, spec.model());
    }

    @ParameterizedTest(name = "line {0} ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # line | replacement                     | expected problem
            4      | '  dmodel: 64'                  | lm.yaml:4:3: model.dmodel: unknown field 'dmodel'; expected one of: d_mlp, d_model, heads, layers, n_ctx, vocab
            5      | '  heads: 5'                    | lm.yaml:5:3: model.heads: must divide d_model 64, got 5
            8      | '  vocab: 2'                    | lm.yaml:8:3: model.vocab: must be in [3, 50258], got 2
            10     | '  source: pypi'                | lm.yaml:10:3: dataset.source: expected one of python-stdlib, folder, got "pypi"
            10     | '  source: folder'              | lm.yaml:9:1: dataset.path: required field is missing
            12     | '  steps: 0'                    | lm.yaml:12:3: training.steps: must be in [1, 100000000], got 0
            13     | '  learning_rate: 0'            | lm.yaml:13:3: training.learning_rate: must be in (0, 1], got 0
            """)
    void aBadFieldIsNamedWithItsLocation(int line, String replacement, String expected) {
        List<String> lines = new java.util.ArrayList<>(VALID.lines().toList());
        lines.set(line - 1, replacement);
        String yaml = String.join("\n", lines) + "\n";

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> LanguageModelSpecParser.parse(yaml, "lm.yaml", Path.of(".")));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals(expected, e.problems().get(0).toString());
    }

    @Test
    void aFolderThatIsNotThereIsNamed(@TempDir Path dir) {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> LanguageModelSpecParser.parse("""
                        name: docs
                        dataset: {source: folder, path: missing}
                        """, "lm.yaml", dir));

        assertEquals("lm.yaml:2:27: dataset.path: not a folder: " + dir.resolve("missing"),
                e.problems().get(0).toString());
    }
}
