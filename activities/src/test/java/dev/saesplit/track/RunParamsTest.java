package dev.saesplit.track;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.spec.SpecFingerprint;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parent run's params name a model source's weight processing, the default included. */
class RunParamsTest {

    private static final String SPEC = """
            name: lm
            activations:
              source: model
              model: gelu-1l
              dataset: c4-code-tokenized-2b
              hook: blocks.0.hook_mlp_out
              tokens: 4k
            %snarrow_sae: {width: 8, tokens: 4k}
            target_latent: 3
            runs:
              - {id: a, width: 16, seed: 1, init: random, normalised: true, data: all, tokens: 4k}
            """;

    @TempDir
    Path dir;

    @Test
    void theWeightProcessingIsAParamWhetherWrittenOrDefaulted() throws Exception {
        Map<String, String> defaulted = params("");
        Map<String, String> processed = params("  weight_processing: from-pretrained\n");

        assertEquals("none", defaulted.get("activations.weight_processing"));
        assertEquals("from-pretrained", processed.get("activations.weight_processing"));
    }

    @Test
    void theDefaultLeavesTheFingerprintOfSpecsWrittenBeforeTheFieldAlone() throws Exception {
        assertEquals(SpecFingerprint.of(SpecParser.parse(write(""))),
                SpecFingerprint.of(SpecParser.parse(write("  weight_processing: none\n"))));
        assertNotEquals(SpecFingerprint.of(SpecParser.parse(write(""))),
                SpecFingerprint.of(SpecParser.parse(write("  weight_processing: from-pretrained\n"))));
    }

    @Test
    void theCacheDtypeIsAParamWhetherWrittenOrDefaultedAndFloat32LeavesTheFingerprintAlone() throws Exception {
        assertEquals("float32", params("").get("activations.cache_dtype"));
        assertEquals("bfloat16", params("  cache_dtype: bfloat16\n").get("activations.cache_dtype"));
        assertEquals(SpecFingerprint.of(SpecParser.parse(write(""))),
                SpecFingerprint.of(SpecParser.parse(write("  cache_dtype: float32\n"))));
        assertNotEquals(SpecFingerprint.of(SpecParser.parse(write(""))),
                SpecFingerprint.of(SpecParser.parse(write("  cache_dtype: float16\n"))));
    }

    @Test
    void anUnknownCacheDtypeIsRefusedNamingTheFieldAndTheChoices() {
        SpecValidationException error = assertThrows(SpecValidationException.class,
                () -> SpecParser.parse(write("  cache_dtype: float8\n")));
        assertTrue(error.getMessage().contains("activations.cache_dtype"), error.getMessage());
        assertTrue(error.getMessage().contains("float32, float16, bfloat16"), error.getMessage());
    }

    private Map<String, String> params(String extra) throws Exception {
        String json = SpecFingerprint.canonicalJson(SpecParser.parse(write(extra)));
        return RunParams.parent(new ObjectMapper().readTree(json));
    }

    private Path write(String extra) throws Exception {
        Path file = dir.resolve("spec.yaml");
        Files.writeString(file, SPEC.formatted(extra));
        return file;
    }
}
