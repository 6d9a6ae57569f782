package dev.saesplit.spec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SAEs trained elsewhere named in a spec: a narrow SAE in Neel Nanda's 1L-Sparse-Autoencoder format ({@code N.pt}
 * with {@code N_cfg.json} beside it), and run-table rows that evaluate an existing SAE ({@code sae: PATH}) instead
 * of training one, their width read from the SAE's config and their other configuration fields describing it.
 */
class ExistingSaeSpecTest {

    private static final String SPEC = """
            name: existing
            activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 100k}
            narrow_sae: {path: saes/14.pt}
            target_latent: TARGET
            runs:
              - {id: trained, width: 64, seed: 1, init: narrow, normalised: false, data: all, loss: standard, tokens: 10k}
              - {id: theirs, sae: saes/15.pt, seed: 43, init: narrow, normalised: false, data: filtered, loss: standard, tokens: 26.2M}
            """;

    @TempDir
    Path dir;

    @Test
    void aNeelFormatNarrowSaeAndARowEvaluatingAnExistingSaeTakeTheirWidthsFromTheirConfigs() throws Exception {
        neel("14", "{\"act_size\": 16, \"dict_mult\": 1}");
        neel("15", "{\"act_size\": 16, \"dict_size\": 128, \"l1_coeff\": NaN}");

        ExperimentSpec spec = parse(SPEC.replace("TARGET", "15"));

        assertEquals(new NarrowSaeSpec.Existing(dir.resolve("saes/14.pt"), 16), spec.narrowSae());
        RunSpec theirs = spec.runs().get(1);
        assertEquals(dir.resolve("saes/15.pt"), theirs.sae());
        assertEquals(128, theirs.width());
        assertEquals(26_200_000, theirs.tokens());
        assertNull(spec.runs().get(0).sae());
        assertFalse(SpecFingerprint.canonicalJson(spec).contains("\"sae\":null"),
                "a row that trains its SAE fingerprints as before the field existed");
    }

    @Test
    void theTargetLatentIsCheckedAgainstTheWidthOfANeelFormatNarrowSae() throws Exception {
        neel("14", "{\"act_size\": 16, \"dict_mult\": 1}");
        neel("15", "{\"act_size\": 16, \"dict_size\": 128}");

        SpecProblem problem = single(SPEC.replace("TARGET", "16"));

        assertEquals("target_latent", problem.field());
    }

    @Test
    void aWidthGivenForAnExistingSaeMustBeItsOwn() throws Exception {
        neel("14", "{\"act_size\": 16, \"dict_mult\": 1}");
        neel("15", "{\"act_size\": 16, \"dict_size\": 128}");

        SpecProblem problem = single(SPEC.replace("TARGET", "3").replace("sae: saes/15.pt,", "sae: saes/15.pt, width: 64,"));

        assertEquals("runs[1].width", problem.field());
        assertTrue(problem.message().contains("15_cfg.json says 128 latents"), problem.message());
    }

    @Test
    void aNeelFormatSaeWithoutItsConfigOrWithAConfigThatIsNotAMappingIsNamed() throws Exception {
        neel("15", "{\"act_size\": 16, \"dict_size\": 128}");
        Files.createDirectories(dir.resolve("saes"));
        Files.createFile(dir.resolve("saes/14.pt"));

        SpecProblem missing = single(SPEC.replace("TARGET", "3"));
        assertEquals("narrow_sae.path", missing.field());
        assertTrue(missing.message().contains("14_cfg.json not found"), missing.message());

        neel("14", "[16, 1]");
        SpecProblem list = single(SPEC.replace("TARGET", "3"));
        assertTrue(list.message().contains("not a JSON object"), list.message());
    }

    private void neel(String stem, String cfg) throws IOException {
        Path saes = Files.createDirectories(dir.resolve("saes"));
        if (!Files.exists(saes.resolve(stem + ".pt"))) {
            Files.createFile(saes.resolve(stem + ".pt"));
        }
        Files.writeString(saes.resolve(stem + "_cfg.json"), cfg);
    }

    private ExperimentSpec parse(String yaml) throws SpecValidationException {
        return SpecParser.parse(yaml, "spec.yaml", dir);
    }

    private SpecProblem single(String yaml) {
        List<SpecProblem> problems = assertThrows(SpecValidationException.class, () -> parse(yaml)).problems();
        assertEquals(1, problems.size(), problems.toString());
        return problems.get(0);
    }
}
