package dev.saesplit.preflight;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.npy.NpyTestFiles;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecProblem;
import dev.saesplit.spec.SpecValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the first activities would reject is found at validation, located at the field that names the file. */
class SpecArtifactsCheckTest {

    private static final String SPEC = """
            name: reuse
            activations: {source: synthetic, d_in: 4, features: 16, parents: 2, tokens: 10k}
            narrow_sae: {path: narrow}
            target_latent: 3
            runs:
              - {id: a, width: 16, seed: 1, init: narrow, normalised: true, data: all, tokens: 10k}
            """;

    @TempDir
    Path dir;

    @Test
    void aMatchingSaeIsAccepted() throws Exception {
        SaeLensFormat.write(dir.resolve("narrow"), SaeFixtures.randomSae(4, 8, new StandardArchitecture(), 1),
                new float[8]);

        assertEquals(8, SpecParser.parse(spec(SPEC), new SpecArtifactsCheck()).narrowSae().width());
    }

    @Test
    void anSaeReadingAnotherWidthThanTheActivationsIsRejected() throws Exception {
        SaeLensFormat.write(dir.resolve("narrow"), SaeFixtures.randomSae(6, 8, new StandardArchitecture(), 1),
                new float[8]);

        SpecProblem problem = problem(SPEC);

        assertEquals("narrow_sae.path", problem.field());
        assertEquals(3, problem.line());
        assertTrue(problem.message().contains("d_in 6, but the activations have d 4"), problem.message());
    }

    @Test
    void anUnknownArchitectureIsRejected() throws Exception {
        SaeLensFormat.write(dir.resolve("narrow"), SaeFixtures.randomSae(4, 8, new StandardArchitecture(), 1),
                new float[8]);
        Path cfg = dir.resolve("narrow/cfg.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"standard\"", "\"gated\""));

        assertTrue(problem(SPEC).message().contains("unknown architecture 'gated'"));
    }

    @Test
    void copyingAnSaeThatDoesNotSubtractBDecIsRejectedPerRow() throws Exception {
        SaeLensFormat.write(dir.resolve("narrow"), SaeFixtures.randomSae(4, 8, new StandardArchitecture(), 1),
                new float[8]);
        Path cfg = dir.resolve("narrow/cfg.json");
        Files.writeString(cfg, Files.readString(cfg).replace("\"apply_b_dec_to_input\" : true",
                "\"apply_b_dec_to_input\" : false"));

        SpecProblem problem = problem(SPEC);

        assertEquals("runs[0].init", problem.field());
        assertTrue(problem.message().contains("apply_b_dec_to_input: false"), problem.message());
    }

    @Test
    void anNpyFileWithAHostileHeaderIsRejectedAtItsEntry() throws Exception {
        NpyTestFiles.float32(dir.resolve("good.npy"), 4, new float[8]);
        NpyTestFiles.write(dir.resolve("bad.npy"), 1, NpyTestFiles.dict("<f4", false, "(4611686018427387904, 4)"),
                new byte[16]);
        String npy = """
                name: npy
                activations: {source: npy, files: [good.npy, bad.npy]}
                narrow_sae: {width: 8, tokens: 10k}
                target_latent: 3
                runs:
                  - {id: a, width: 16, seed: 1, init: random, normalised: true, data: all, tokens: 10k}
                """;

        SpecProblem problem = problem(npy);

        assertEquals("activations.files[1]", problem.field());
        assertTrue(problem.message().startsWith(dir.resolve("bad.npy").toString()), problem.message());
    }

    @Test
    void aGroundTruthBesideNpyFilesIsCheckedAgainstThemAndRefusedByFieldWithoutQuotingIt() throws Exception {
        Path folder = npyWithGroundTruth();
        String npy = """
                name: npy
                activations: {source: npy, files: [FOLDER/activations.npy]}
                narrow_sae: {width: 8, tokens: 10k}
                target_latent: {parent: 0}
                runs:
                  - {id: a, width: 16, seed: 1, init: random, normalised: true, data: all, tokens: 10k}
                """.replace("FOLDER", folder.toString());
        SpecParser.parse(spec(npy), new SpecArtifactsCheck());

        Path document = folder.resolve("ground_truth.json");
        String valid = Files.readString(document);
        Files.writeString(document, valid.replace("\"directions.npy\"", "\"../../secret/key-material.npy\""));
        SpecProblem escape = problem(npy);
        assertEquals("activations.files (ground truth)", escape.field());
        assertTrue(escape.message().startsWith(document + ": directions_file: "), escape.message());
        assertTrue(!escape.message().contains("secret"), "nothing of the file is echoed: " + escape.message());

        Files.writeString(document, valid.replace("\"tokens\" : 2048", "\"tokens\" : 4096"));
        assertTrue(problem(npy).message().startsWith(document + ": config.tokens: is not 2048"),
                "the ground truth describes other activations");

        Files.writeString(document, valid.replace("\"children_per_parent\" : 2", "\"children_per_parent\" : 3"));
        assertTrue(problem(npy).message().startsWith(document + ": parents[0].children: "),
                "the hierarchy is not laid out as its config says");
    }

    /** A generated hierarchy's ground truth beside its 2,048 rows of activations, as an npy source's folder. */
    private Path npyWithGroundTruth() throws IOException {
        Path folder = dir.resolve("drawn");
        SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(8, 12, 2, 2, 0.05, 2048, 1), folder);
        float[] rows = new float[2048 * 8];
        try (ActivationSource source = ActivationCacheReader.open(folder)) {
            source.read(0, 2048, rows, 0);
        }
        NpyTestFiles.float32(folder.resolve("activations.npy"), 8, rows);
        return folder;
    }

    private SpecProblem problem(String yaml) throws IOException {
        Path file = spec(yaml);
        SpecValidationException e = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(file, new SpecArtifactsCheck()));
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    private Path spec(String yaml) throws IOException {
        return Files.writeString(dir.resolve("spec.yaml"), yaml);
    }
}
