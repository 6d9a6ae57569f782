package dev.saesplit.spec;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * experiments/hyphen-240.yaml restates the seed study's run-configuration table row by row. It names the study's own
 * narrow SAE, which is downloaded, not committed: the tests parse it beside a stand-in config of that SAE's shape.
 */
class SeedStudySpecTest {

    private static final Path SPEC = Path.of("..", "experiments", "hyphen-240.yaml");
    private static final long TWO_B = 2_000_000_000L;

    /** The seed study's table (DESIGN.md): id, width, seed, init, normalised, data, loss, tokens. */
    private static final List<RunSpec> SEED_STUDY = List.of(
            row("1", 4096, 40, Init.NARROW, true, DataSelection.ALL, LossChange.ZERO_TARGET, TWO_B),
            row("2", 4096, 10, Init.NARROW, true, DataSelection.ALL, LossChange.ZERO_TARGET, TWO_B),
            row("3", 4096, 10, Init.NARROW, false, DataSelection.ALL, LossChange.ZERO_TARGET, TWO_B),
            row("4", 4096, 10, Init.RANDOM, true, DataSelection.FILTERED, LossChange.STANDARD, TWO_B),
            row("5", 4096, 49, Init.RANDOM, true, DataSelection.FILTERED, LossChange.STANDARD, TWO_B),
            row("6", 4096, 42, Init.RANDOM, true, DataSelection.FILTERED, LossChange.STANDARD, TWO_B),
            row("7", 4096, 42, Init.NARROW, false, DataSelection.FILTERED, LossChange.STANDARD, TWO_B),
            row("8", 4096, 48, Init.NARROW, false, DataSelection.FILTERED, LossChange.STANDARD, TWO_B),
            row("9", 4096, 43, Init.NARROW, false, DataSelection.FILTERED, LossChange.STANDARD, 26_200_000L),
            row("10", 4096, 42, Init.NARROW, true, DataSelection.FILTERED, LossChange.STANDARD, TWO_B),
            row("11", 4096, 43, Init.NARROW, false, DataSelection.FILTERED, LossChange.ZERO_TARGET, TWO_B),
            row("12", 512, 42, Init.RANDOM, true, DataSelection.FILTERED, LossChange.STANDARD, TWO_B));

    @TempDir
    Path dir;

    @Test
    void hyphen240HasTheSeedStudysTwelveRowsInOrder() throws Exception {
        ExperimentSpec spec = parseBesideTheStudysSae();

        assertEquals(12, spec.runs().size());
        for (int i = 0; i < SEED_STUDY.size(); i++) {
            RunSpec expected = SEED_STUDY.get(i);
            RunSpec actual = spec.runs().get(i);
            assertEquals(expected, withoutText(actual), "row " + expected.id());
        }
    }

    @Test
    void hyphen240StudiesLatent240OfTheStudys512LatentSaeOnGelu1lFilteredAboveTwo() throws Exception {
        ExperimentSpec spec = parseBesideTheStudysSae();

        assertEquals("hyphen-240", spec.name());
        assertEquals(new TargetLatent.Index(240), spec.targetLatent());
        assertEquals(512, spec.narrowSae().width());
        assertEquals(dir.resolve("saes/hyphen-240/14.pt"),
                assertInstanceOf(NarrowSaeSpec.Existing.class, spec.narrowSae()).path(), "the study's own file");
        assertEquals(2.0, spec.filterThreshold());
        ActivationSourceSpec.Model model = assertInstanceOf(ActivationSourceSpec.Model.class, spec.activations());
        assertEquals("gelu-1l", model.model());
        assertEquals("blocks.0.hook_mlp_out", model.hook());
        assertEquals(128, model.contextSize());
        assertEquals("c4-code-tokenized-2b", model.dataset());
        assertNull(model.datasetPath(), "named, not downloaded: caching asks for the path");
        assertNull(model.weights());
        assertTrue(model.splitRows(), "2B tokens at context 128 need every 1024-token row cut into 8 contexts");
        assertEquals(WeightProcessing.FROM_PRETRAINED, model.weightProcessing(),
                "the study loaded gelu-1l with HookedTransformer.from_pretrained");
        assertEquals(3, spec.split().probes().size());
        assertEquals(SplitCriteria.Expectation.DOMINANT_CHILD, spec.split().probes().get(0).expect());
    }

    @Test
    void hyphen240KeepsWhatTheStudyReportedForEachRow() throws Exception {
        List<String> reported = parseBesideTheStudysSae().runs().stream().map(RunSpec::reported).toList();

        assertEquals(List.of("yes (not robust)", "no", "no", "yes", "yes", "yes", "yes", "yes", "yes", "no",
                "partial: 2 of 3 children, none for \"-\" after a number", "no"), reported);
    }

    @Test
    void hyphen240WithoutTheStudysSaeNamesTheFileToDownload() {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(SPEC));

        assertEquals(1, e.problems().size(), e.problems().toString());
        assertEquals("narrow_sae.path", e.problems().get(0).field());
        assertTrue(e.problems().get(0).message().contains("14.pt"), e.problems().get(0).message());
    }

    /** The spec copied into a folder beside {@code saes/hyphen-240/14.pt} and the config the study's SAE has. */
    private ExperimentSpec parseBesideTheStudysSae() throws Exception {
        Path saes = Files.createDirectories(dir.resolve("saes/hyphen-240"));
        Files.createFile(saes.resolve("14.pt"));
        Files.writeString(saes.resolve("14_cfg.json"), "{\"act_size\": 512, \"dict_mult\": 1, "
                + "\"act_name\": \"blocks.0.hook_mlp_out\", \"l1_coeff\": 0.0003, \"seq_len\": 128}");
        return SpecParser.parse(Files.copy(SPEC, dir.resolve("hyphen-240.yaml")));
    }

    @Test
    void quickstartIsASmallSyntheticStudyWhoseTargetIsAGroundTruthParent() throws SpecValidationException {
        ExperimentSpec spec = SpecParser.parse(Path.of("..", "experiments", "quickstart.yaml"));

        assertInstanceOf(ActivationSourceSpec.Synthetic.class, spec.activations());
        assertEquals(new TargetLatent.MatchingParent(0), spec.targetLatent());
        assertEquals(5, spec.runs().size());
    }

    private static RunSpec row(String id, int width, long seed, Init init, boolean normalised, DataSelection data,
                               LossChange loss, long tokens) {
        return new RunSpec(id, "", width, seed, init, normalised, data, loss, tokens, "");
    }

    private static RunSpec withoutText(RunSpec r) {
        return new RunSpec(r.id(), "", r.width(), r.seed(), r.init(), r.normalised(), r.data(), r.loss(), r.tokens(),
                "");
    }
}
