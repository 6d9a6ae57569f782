package dev.saesplit.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.saesplit.spec.SpecFixtures.HEAD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A spec for a run that stops at the narrow SAE: the run table may be empty or absent and {@code target_latent}
 * left out, while a full run still needs the target, located in the file.
 */
class NarrowOnlySpecTest {

    private static final String ROWS = """
            runs:
              - {id: a, width: 32, seed: 1, init: narrow, normalised: true, data: all, tokens: 10k}
            """;

    @TempDir
    Path dir;

    @Test
    void aSpecWithoutRunsOrTargetStopsAtTheNarrowSae() throws Exception {
        ExperimentSpec spec = parse(HEAD, Until.REPORT);

        assertTrue(spec.runs().isEmpty());
        assertTrue(spec.stopsAtNarrow());
        assertNull(spec.targetLatent());
        assertEquals(8, spec.narrowSae().width());
    }

    @Test
    void anEmptyOrNullRunTableMeansTheSame() throws Exception {
        for (String runs : List.of("runs: []\n", "runs:\n", "runs: ~\n")) {
            ExperimentSpec spec = parse(HEAD + runs, Until.REPORT);
            assertTrue(spec.stopsAtNarrow(), runs);
            assertNull(spec.targetLatent(), runs);
        }
    }

    @Test
    void aTargetGivenWithoutRowsIsStillReadAndChecked() throws Exception {
        assertEquals(new TargetLatent.Index(5), parse(HEAD + "target_latent: 5\n", Until.REPORT).targetLatent());

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> parse(HEAD + "target_latent: 8\n", Until.NARROW));
        assertEquals(List.of("spec.yaml:11:1: target_latent: must be below the narrow SAE's width 8, got 8"),
                e.problems().stream().map(SpecProblem::toString).toList());
    }

    @Test
    void aFullRunStillNeedsTheTargetLocatedInTheFile() {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> parse(HEAD + ROWS, Until.REPORT));

        assertEquals(List.of("spec.yaml:1:1: target_latent: required field is missing"),
                e.problems().stream().map(SpecProblem::toString).toList());
    }

    @Test
    void untilNarrowAcceptsRowsWithoutATargetAndStillChecksTheRows() throws Exception {
        ExperimentSpec spec = parse(HEAD + ROWS, Until.NARROW);

        assertNull(spec.targetLatent());
        assertEquals(1, spec.runs().size());
        assertFalse(spec.stopsAtNarrow());
        assertTrue(spec.withoutRuns().stopsAtNarrow());
        assertEquals(spec.narrowSae(), spec.withoutRuns().narrowSae());

        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> parse(HEAD + ROWS.replace("width: 32", "width: 4"), Until.NARROW));
        assertEquals("runs[0].width", e.problems().get(0).field());
    }

    @Test
    void aRunTableThatIsNotAListIsRejectedWhereItIs() {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> parse(HEAD + "target_latent: 3\nruns: 3\n", Until.REPORT));

        assertEquals(List.of("spec.yaml:12:1: runs: expected a list of run-table rows, got 3"),
                e.problems().stream().map(SpecProblem::toString).toList());
    }

    private ExperimentSpec parse(String yaml, Until until) throws IOException, SpecValidationException {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, yaml);
        try {
            return SpecParser.parse(file, until);
        } catch (SpecValidationException e) {
            // Problems name the file as given; keep the messages independent of the temporary directory.
            throw new SpecValidationException(e.problems().stream().map(p -> new SpecProblem("spec.yaml", p.line(),
                    p.column(), p.field(), p.message())).toList());
        }
    }
}
