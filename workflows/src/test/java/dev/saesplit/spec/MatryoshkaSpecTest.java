package dev.saesplit.spec;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code experiments/matryoshka.yaml}: Matryoshka seeded from the narrow SAE beside the seed study's configurations,
 * whose table docs/architectures.md reports.
 */
class MatryoshkaSpecTest {

    private static final Path SPEC = Path.of("..", "experiments", "matryoshka.yaml");

    @Test
    void seedsMatryoshkasInnermostGroupWithTheNarrowSaeBesideReluRows() throws Exception {
        ExperimentSpec spec = SpecParser.parse(SPEC);

        List<RunSpec> seeded = spec.runs().stream()
                .filter(r -> r.architectureName() == Architecture.MATRYOSHKA && r.init() == Init.NARROW).toList();
        assertEquals(2, seeded.size(), "on all data and on filtered data");
        int narrowWidth = ((NarrowSaeSpec.Train) spec.narrowSae()).width();
        seeded.forEach(r -> assertEquals(narrowWidth, r.architecture().groups().get(0), r.id()));
        assertTrue(spec.runs().stream().anyMatch(r -> r.architectureName() == Architecture.RELU
                && r.data() == DataSelection.FILTERED), "the seed study's filtered row beside it");
    }
}
