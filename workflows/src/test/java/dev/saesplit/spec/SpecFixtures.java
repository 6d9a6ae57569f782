package dev.saesplit.spec;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The small specs the parser tests start from and break one piece of, and the check that a spec is refused with
 * exactly one problem.
 */
final class SpecFixtures {

    /**
     * The first ten lines of a valid spec in block style: 16-dimensional synthetic activations and an 8-latent narrow
     * SAE, both over 10k tokens. What a test appends starts at line 11, so its problems have fixed locations.
     */
    static final String HEAD = """
            name: tiny
            activations:
              source: synthetic
              d_in: 16
              features: 32
              parents: 2
              tokens: 10k
            narrow_sae:
              width: 8
              tokens: 10k
            """;

    /** The synthetic activations of {@link #HEAD}, lines 3 to 7, for a test that puts another source there. */
    static final String SYNTHETIC_ACTIVATIONS = """
              source: synthetic
              d_in: 16
              features: 32
              parents: 2
              tokens: 10k
            """;

    private SpecFixtures() {
    }

    /**
     * A spec of one 16-wide row over {@code activationLines} (the fields under {@code activations:}, indented by
     * two), with an 8-latent narrow SAE and {@code target_latent: target}.
     */
    static String oneRowOver(String activationLines, String target) {
        return "name: lm\nactivations:\n" + activationLines + """
                narrow_sae: {width: 8, tokens: 1k}
                target_latent: %s
                runs:
                  - {id: a, width: 16, seed: 1, init: random, normalised: true, data: all, tokens: 1k}
                """.formatted(target);
    }

    /** The one problem the spec {@code yaml}, read as {@code spec.yaml} with paths relative to {@code base}, has. */
    static SpecProblem singleProblem(String yaml, Path base) {
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(yaml, "spec.yaml", base));
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    /** The one problem {@code yaml} has, its paths relative to the working directory. */
    static SpecProblem singleProblem(String yaml) {
        return singleProblem(yaml, Path.of("."));
    }
}
