package dev.saesplit.spec;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A run-table row names its architecture and that architecture's settings; a setting another architecture takes is
 * refused where it is written, and a row naming none reads, travels and fingerprints as rows did before.
 */
class ArchitectureSpecTest {

    private static final String SPEC = """
            name: archs
            activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 10k}
            narrow_sae: {width: 8, tokens: 10k}
            target_latent: 3
            runs:
              - {id: a, width: 32, seed: 1, init: narrow, normalised: false, data: filtered, loss: standard, tokens: 10k}
              - ROW
            """;
    private static final String ROW = "{id: b, width: 32, seed: 2, init: narrow, normalised: false, data: all, "
            + "loss: zero-target, tokens: 10k, ";

    @Test
    void eachArchitectureReadsWithItsSettings() throws SpecValidationException {
        assertEquals(new ArchitectureSpec(Architecture.TOPK, 4.0, null, null), row("architecture: topk, k: 4"));
        assertEquals(new ArchitectureSpec(Architecture.BATCHTOPK, 2.5, null, null),
                row("architecture: batchtopk, k: 2.5"));
        assertEquals(new ArchitectureSpec(Architecture.JUMPRELU, null, null, ArchitectureSpec.DEFAULT_L0_COEFFICIENT),
                row("architecture: jumprelu"));
        assertEquals(new ArchitectureSpec(Architecture.JUMPRELU, null, null, 0.3),
                row("architecture: jumprelu, l0_coefficient: 0.3"));
        ArchitectureSpec matryoshka = row("architecture: matryoshka, k: 4, groups: [8, 8, 16]");
        assertEquals(List.of(8, 8, 16), matryoshka.groups());
        assertEquals(List.of(8, 16, 32), matryoshka.prefixWidths(), "SAELens's matryoshka_widths");
        assertEquals("matryoshka k=4 groups 8+8+16", matryoshka.describe());
        assertNull(row("architecture: relu"), "relu is the row without an architecture");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            architecture: topk                             | runs[1].k: required field is missing
            architecture: topk, k: 2.5                     | runs[1].k: topk keeps a whole number of latents per token, got 2.5
            architecture: batchtopk, k: 0                  | runs[1].k: must be above 0, got 0
            architecture: batchtopk, k: 40                 | runs[1].k: must be at most the row's width 32, got 40.0
            architecture: relu, k: 4                       | runs[1].k: relu takes no k (topk, batchtopk and matryoshka do)
            architecture: jumprelu, k: 4                   | runs[1].k: jumprelu takes no k (topk, batchtopk and matryoshka do)
            architecture: topk, k: 4, groups: [8, 24]      | runs[1].groups: topk takes no groups (matryoshka does)
            architecture: topk, k: 4, l0_coefficient: 1    | runs[1].l0_coefficient: topk takes no l0_coefficient (jumprelu does)
            architecture: jumprelu, l0_coefficient: -1     | runs[1].l0_coefficient: must be above 0, got -1
            architecture: matryoshka, k: 4                 | runs[1].groups: matryoshka needs its group sizes, innermost first, summing to the width (e.g. [32, 96])
            architecture: matryoshka, k: 4, groups: [32]   | runs[1].groups: expected a list of 2 to 64 group sizes, got a list
            architecture: matryoshka, k: 4, groups: [8, 0, 24] | runs[1].groups[1]: expected a whole number of latents, at least 1, got 0
            architecture: matryoshka, k: 4, groups: [8, 16] | runs[1].groups: sizes sum to 24 but the row's width is 32
            architecture: matryoshka, k: 4, groups: [16, 16] | runs[1].groups[0]: init narrow copies the narrow SAE into the innermost group, so it must be the narrow width 8, got 16
            architecture: gated                            | runs[1].architecture: expected one of relu, topk, batchtopk, jumprelu, matryoshka, got "gated"
            """)
    void aSettingTheArchitectureDoesNotTakeOrAnInvalidOneIsNamed(String fields, String expected) {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(spec(fields), "spec.yaml", Path.of(".")));

        assertEquals(1, e.problems().size(), e.getMessage());
        String problem = e.problems().get(0).toString();
        assertEquals(expected, problem.substring(problem.indexOf("runs[1]")));
    }

    @Test
    void aRowWithoutAnArchitectureTravelsAndFingerprintsAsBefore() throws SpecValidationException {
        ExperimentSpec plain = SpecParser.parse(SPEC.replace("  - ROW\n", ""), "spec.yaml", Path.of("."));
        RunSpec row = plain.runs().get(0);
        Payload payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(row).orElseThrow();

        assertFalse(payload.getData().toStringUtf8().contains("architecture"), payload.getData().toStringUtf8());
        assertEquals(Architecture.RELU, row.architectureName());
        assertEquals(new RunSpec(row.id(), row.purpose(), row.width(), row.seed(), row.init(), row.normalised(),
                row.data(), row.loss(), row.tokens(), row.reported()), row);
    }

    @Test
    void anArchitectureSurvivesAWorkflowPayload() throws SpecValidationException {
        RunSpec row = SpecParser.parse(spec("architecture: matryoshka, k: 4, groups: [8, 24]"), "spec.yaml",
                Path.of(".")).runs().get(1);
        Payload payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(row).orElseThrow();

        assertEquals(row, DefaultDataConverter.STANDARD_INSTANCE.fromPayload(payload, RunSpec.class, RunSpec.class));
    }

    private static ArchitectureSpec row(String fields) throws SpecValidationException {
        return SpecParser.parse(spec(fields), "spec.yaml", Path.of(".")).runs().get(1).architecture();
    }

    private static String spec(String fields) {
        return SPEC.replace("ROW", ROW + fields + "}");
    }
}
