package dev.saesplit.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.saesplit.spec.SpecFixtures.singleProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Specs written to break the parser, each rejected with a located problem, and the YAML features users
 * rely on (anchors, aliases, merge keys) accepted. The base spec writes its run table in block style.
 */
@Timeout(10)
class HostileSpecTest {

    /** The base spec with the narrow SAE's token budget anchored, so that a row can alias it. */
    private static final String VALID = SpecFixtures.HEAD.replace("  width: 8\n  tokens: 10k\n",
            "  width: 8\n  tokens: &budget 10k\n") + """
            target_latent: 3
            runs:
              - id: a
                width: 32
                seed: 1
                init: narrow
                normalised: true
                data: filtered
                tokens: *budget
              - id: b
                width: 32
                seed: 2
                init: random
                normalised: false
                data: all
                tokens: 10k
            """;

    @Test
    void theBaseSpecWithAnAliasedTokenBudgetIsValid() throws SpecValidationException {
        assertEquals(10_000, parse(VALID).runs().get(0).tokens());
    }

    @Test
    void mergeKeysFillRowsFromAnAnchoredRowAndExplicitFieldsWin() throws SpecValidationException {
        String yaml = VALID.substring(0, VALID.indexOf("runs:")) + """
                runs:
                  - &row {id: a, width: 32, seed: 1, init: narrow, normalised: true, data: filtered, tokens: 10k}
                  - <<: *row
                    id: b
                    seed: 2
                  - {<<: [*row], id: c, data: all}
                """;

        ExperimentSpec spec = parse(yaml);

        assertEquals(List.of("a", "b", "c"), spec.runs().stream().map(RunSpec::id).toList());
        assertEquals(2, spec.runs().get(1).seed());
        assertEquals(DataSelection.ALL, spec.runs().get(2).data());
        assertEquals(32, spec.runs().get(2).width());
    }

    @Test
    void aDuplicateKeyIsAnErrorAtItsSecondOccurrence() {
        SpecProblem problem = singleProblem(VALID.replace("    seed: 2\n", "    seed: 2\n    seed: 3\n"));

        assertEquals("spec.yaml:23:5: runs[1].seed: duplicate key 'seed' (first at line 22); YAML would silently "
                + "keep only the last", problem.toString());
    }

    @Test
    void aDuplicateTopLevelKeyIsAnError() {
        assertEquals("name", singleProblem(VALID + "name: other\n").field());
    }

    @Test
    void aSecondDocumentIsAnErrorNotIgnored() {
        SpecProblem problem = singleProblem(VALID + "---\nname: other\n");

        assertEquals(27, problem.line());
        assertTrue(problem.message().contains("second YAML document"), problem.message());
    }

    @Test
    void blankRequiredTextIsRejectedAndTwoBlankRunIdsAreBothNamed() {
        String yaml = VALID.replace("name: tiny", "name: \"\"").replace("- id: a", "- id: ''")
                .replace("- id: b", "- id: ' '");

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> parse(yaml));

        assertEquals(List.of("name", "runs[0].id", "runs[1].id"), fields(e));
        assertTrue(e.problems().stream().allMatch(p -> p.message().equals("must not be empty")), e.getMessage());
    }

    @Test
    void anEmptyProbeTokenIsRejected() {
        String yaml = VALID + "split:\n  probes:\n    - {prompt: multi-millionaire, token: '', expect: dominant-child}\n";

        assertEquals("split.probes[0].token", singleProblem(yaml).field());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999B", "10000000000001", "20000000000k", "1e400",
            "100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"})
    void tokenCountsBeyondTenToTheThirteenAreRejectedSaying(String tokens) {
        SpecProblem problem = singleProblem(VALID.replace("    tokens: 10k\n", "    tokens: " + tokens + "\n"));

        assertEquals("runs[1].tokens", problem.field());
        assertTrue(problem.message().contains("at most 10^13 tokens") || problem.message().contains("token count"),
                problem.message());
    }

    @Test
    void aSpellingPastTheBoundSaysTheBound() {
        SpecProblem problem = singleProblem(VALID.replace("    tokens: 10k\n", "    tokens: 99999999999B\n"));

        assertEquals("must be at least 1 and at most 10^13 tokens (10000000000000), got \"99999999999B\"",
                problem.message());
    }

    @Test
    void anAliasBombStopsWithALocatedProblemInsteadOfExhaustingMemory() {
        StringBuilder bomb = new StringBuilder("description:\n  - &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int level = 1; level < 9; level++) {
            bomb.append("  - &l").append(level).append(" [");
            bomb.append(String.join(", ", java.util.Collections.nCopies(10, "*l" + (level - 1)))).append("]\n");
        }

        SpecProblem problem = singleProblem(VALID + bomb);

        assertTrue(problem.message().contains("more than " + YamlTree.MAX_VALUES + " values"), problem.message());
        assertTrue(problem.line() > 0, problem.toString());
    }

    @Test
    void anAliasInsideItsOwnAnchorIsRejected() {
        SpecProblem problem = singleProblem(VALID + "description: &loop [a, *loop]\n");

        assertTrue(problem.message().contains("contains it"), problem.message());
    }

    @Test
    void nonFiniteNumbersInFlowRowsNameTheirField() {
        String yaml = VALID.substring(0, VALID.indexOf("runs:")) + """
                runs:
                  - {id: a, width: 32, seed: 1, init: random, normalised: true, data: all, tokens: 10k}
                training: {learning_rate: .nan, sparsity_coefficient: -.inf}
                """;

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> parse(yaml));

        assertEquals("spec.yaml:14:12: training.learning_rate: must be a finite number, got .nan",
                e.problems().get(0).toString());
        assertEquals("training.sparsity_coefficient", e.problems().get(1).field());
    }

    @Test
    void blockStyleRowErrorsCarryTheRowsPath() {
        SpecProblem problem = singleProblem(
                VALID.replace("    width: 32\n    seed: 2", "    width: -1\n    seed: 2"));

        assertEquals("spec.yaml:21:5: runs[1].width: must be in [1, 16777216], got -1", problem.toString());
    }

    @Test
    void aMissingTopLevelFieldIsLocatedAtTheDocumentStart() {
        SpecProblem problem = singleProblem(VALID.replace("target_latent: 3\n", ""));

        assertEquals("spec.yaml:1:1: target_latent: required field is missing", problem.toString());
    }

    @Test
    void aControlCharacterIsLocatedWhereItIs() {
        SpecProblem problem = singleProblem(VALID.replace("source: synthetic", "source: syn\u0007thetic"));

        assertEquals(3, problem.line());
        assertEquals(14, problem.column());
        assertTrue(problem.message().startsWith("character U+0007 (a control character) is not allowed"),
                problem.message());
    }

    @Test
    void bytesThatAreNotUtf8AreLocatedByByteLineAndColumn(@TempDir Path dir) throws IOException {
        byte[] text = VALID.replace("name: tiny", "name: tiny\ndescription: caf?").getBytes(StandardCharsets.UTF_8);
        int at = VALID.indexOf('\n') + "\ndescription: caf".length();
        text[at] = (byte) 0xE9; // Latin-1 "é"
        Path spec = Files.write(dir.resolve("latin1.yaml"), text);

        SpecProblem problem = assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec))
                .problems().get(0);

        assertEquals(spec + ":2:17: not UTF-8 at byte " + at + " (0xE9); save the spec as UTF-8",
                problem.toString());
    }

    @Test
    void aNulCharacterInAPathIsAProblemNotACrash() {
        SpecProblem problem = singleProblem(VALID.replace("  width: 8\n  tokens: &budget 10k\n",
                "  path: \"narrow\\0sae\"\n  tokens: &budget 10k\n"));

        assertEquals("narrow_sae.path", problem.field());
        assertTrue(problem.message().contains("NUL"), problem.message());
    }

    @Test
    void anSaePathThatIsAFileOrADeviceIsRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("file.txt"), "not an SAE");
        for (String path : List.of("file.txt", "/dev/null")) {
            SpecProblem problem = singleProblem(withNarrowPath(path), dir);

            assertEquals("narrow_sae.path", problem.field());
            assertTrue(problem.message().contains(" is neither"), problem.message());
        }
    }

    @Test
    void anSaeDirectoryNeedsWeightsAndAWholeNumberDSae(@TempDir Path dir) throws IOException {
        Path sae = Files.createDirectories(dir.resolve("sae"));
        Files.writeString(sae.resolve("cfg.json"), "{\"d_in\": 16, \"d_sae\": 8}");
        assertTrue(singleProblem(withNarrowPath("sae"), dir).message().contains("sae_weights.safetensors"));

        Files.createFile(sae.resolve("sae_weights.safetensors"));
        Files.writeString(sae.resolve("cfg.json"), "{\"d_in\": 16, \"d_sae\": 32.9}");
        assertTrue(singleProblem(withNarrowPath("sae"), dir).message()
                .contains("no positive whole-number d_sae (got 32.9)"));
    }

    @Test
    void modelWeightsMustBeAFileOrADirectoryNeverADevice(@TempDir Path dir) {
        String yaml = VALID.replace(SpecFixtures.SYNTHETIC_ACTIVATIONS, """
                  source: model
                  model: gelu-1l
                  weights: /dev/zero
                  hook: blocks.0.hook_mlp_out
                  dataset: c4-code-tokenized
                  tokens: 10k
                """);

        SpecProblem problem = singleProblem(yaml, dir);

        assertEquals("activations.weights", problem.field());
        assertTrue(problem.message().contains("not a regular file"), problem.message());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dev/zero", "/dev/urandom", "/proc/self/status"})
    void aSpecThatIsADeviceOrNotAFileIsRefusedWithoutReadingIt(String device, @TempDir Path dir) throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("spec.yaml"), Path.of(device));

        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(link));

        assertEquals(link.toString(), e.problems().get(0).file());
    }

    @Test
    void aFifoIsRefusedInsteadOfBlocking(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("spec.yaml");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());

        SpecProblem problem = assertThrows(SpecValidationException.class, () -> SpecParser.parse(fifo))
                .problems().get(0);

        assertEquals(fifo + ": is not a regular file (a device, pipe or socket)", problem.toString());
    }

    @Test
    void aSpecOverOneMebibyteIsRefusedBeforeParsing(@TempDir Path dir) throws IOException {
        Path big = Files.writeString(dir.resolve("big.yaml"), VALID + "description: " + "x".repeat(1 << 20) + "\n");

        SpecProblem problem = assertThrows(SpecValidationException.class, () -> SpecParser.parse(big))
                .problems().get(0);

        assertEquals(big + ": is larger than the 1 MiB a spec may be", problem.toString());
    }

    @Test
    void aLargeScalarUnderTheCapParsesQuickly() {
        long start = System.nanoTime();
        SpecProblem problem = singleProblem(
                VALID + "description: [" + "x".repeat(SpecParser.MAX_SPEC_BYTES - 1000) + "]\n");

        assertTrue(System.nanoTime() - start < 5_000_000_000L, "took too long");
        assertEquals("description", problem.field());
    }

    @Test
    void anUnsupportedTagIsRefused() {
        SpecProblem problem = singleProblem(VALID.replace("name: tiny", "name: !custom tiny"));

        assertEquals("name", problem.field());
        assertTrue(problem.message().contains("is not supported"), problem.message());
    }

    @Test
    void nestingTooDeepIsLocatedWhereItStarts() {
        SpecProblem problem = singleProblem(VALID + "description: " + "[".repeat(500) + "]".repeat(500) + "\n");

        assertEquals(27, problem.line());
        assertTrue(problem.message().contains("nest deeper than " + YamlTree.MAX_DEPTH), problem.message());
    }

    private static String withNarrowPath(String path) {
        return VALID.replace("  width: 8\n", "  path: " + path + "\n");
    }

    private static ExperimentSpec parse(String yaml) throws SpecValidationException {
        return SpecParser.parse(yaml, "spec.yaml", Path.of("."));
    }

    private static List<String> fields(SpecValidationException e) {
        return e.problems().stream().map(SpecProblem::field).toList();
    }
}
