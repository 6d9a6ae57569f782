package dev.saesplit.spec;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code activations.after}: an Airflow DAG whose output XCom is the dataset of a model source. */
class UpstreamDagSpecTest {

    private static String spec(String activations) {
        return SpecFixtures.oneRowOver("  source: model\n  model: tiny\n  hook: blocks.0.hook_mlp_out\n  tokens: 1k\n"
                + activations, "3");
    }

    @Test
    void anUpstreamDagReplacesTheDatasetAndKeepsItsConf() throws Exception {
        ExperimentSpec parsed = SpecParser.parse(spec("""
                  after:
                    airflow_dag: prepare_tokens
                    conf: {text_dir: texts, limit: 3}
                    output_task: tokenize
                    output_xcom: path
                """), "lm.yaml", Path.of("."));

        ActivationSourceSpec.Model model = assertInstanceOf(ActivationSourceSpec.Model.class, parsed.activations());
        assertEquals(new UpstreamDag("prepare_tokens", Map.of("text_dir", "texts", "limit", 3), "tokenize", "path"),
                model.after());
        assertNull(model.datasetPath());
        ActivationSourceSpec.Model resolved = model.withDataset(Path.of("/data/tokens"));
        assertEquals(Path.of("/data/tokens"), resolved.datasetPath());
        assertNull(resolved.after());
    }

    @Test
    void theOutputXcomDefaultsToTheTasksReturnValue() throws Exception {
        ExperimentSpec parsed = SpecParser.parse(spec("""
                  after: {airflow_dag: prepare_tokens, output_task: tokenize}
                """), "lm.yaml", Path.of("."));

        UpstreamDag after = ((ActivationSourceSpec.Model) parsed.activations()).after();
        assertEquals("return_value", after.outputXcom());
        assertEquals(Map.of(), after.conf());
    }

    @Test
    void aDatasetAndAnUpstreamDagTogetherAreRejectedWithTheirLocation() {
        SpecValidationException e = assertThrows(SpecValidationException.class, () -> SpecParser.parse(spec("""
                  dataset: corpus
                  after: {airflow_dag: prepare_tokens, output_task: tokenize, conf: [1, 2]}
                """), "lm.yaml", Path.of(".")));

        assertTrue(e.getMessage().contains("activations.after") && e.getMessage().contains("not both"), e.getMessage());
        assertTrue(e.getMessage().contains("activations.after.conf"), e.getMessage());
    }

    @Test
    void aSpecWithoutAnUpstreamDagKeepsItsFingerprintJson() throws Exception {
        ExperimentSpec parsed = SpecParser.parse(spec("  dataset: corpus\n"), "lm.yaml", Path.of("."));

        assertFalse(SpecFingerprint.canonicalJson(parsed).contains("after"), SpecFingerprint.canonicalJson(parsed));
    }
}
