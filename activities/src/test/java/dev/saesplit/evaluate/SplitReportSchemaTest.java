package dev.saesplit.evaluate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.saesplit.data.JsonArtifacts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code split_report.schema.json} describes the reports the evaluator writes, and nothing looser. */
class SplitReportSchemaTest {

    @TempDir
    static Path dir;
    private static SplitReport report;
    private static JsonSchema schema;

    @BeforeAll
    static void evaluateAndLoadTheSchema() throws Exception {
        report = EvaluatedReports.split(dir, "schema", "1");
        try (InputStream in = SplitReport.class.getResourceAsStream(SplitReport.SCHEMA_RESOURCE)) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    @Test
    void aReportTheEvaluatorWroteIsValid() {
        assertEquals(Set.of(), schema.validate(written(report)));
    }

    @Test
    void aReportWithInterpretationIsValid() {
        assertEquals(Set.of(), schema.validate(written(report.withInterpretation(
                EvaluatedReports.interpretation(report.children())))));
    }

    @Test
    void aReportWithoutItsVerdictIsRejectedNamingTheField() {
        ObjectNode incomplete = (ObjectNode) written(report);
        incomplete.remove("verdict");

        Set<ValidationMessage> problems = schema.validate(incomplete);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.iterator().next().getMessage().contains("verdict"), problems.toString());
    }

    @Test
    void aChildWithoutItsSpecificityIsRejected() {
        ObjectNode broken = (ObjectNode) written(report);
        ((ObjectNode) broken.get("children").get(0)).remove("specificity");

        assertTrue(schema.validate(broken).stream().anyMatch(m -> m.getMessage().contains("specificity")));
    }

    /** The report as the evaluation stage writes it to disk, read back as a tree. */
    private static JsonNode written(SplitReport r) {
        try {
            Path file = dir.resolve(SplitReport.FILE_NAME);
            JsonArtifacts.write(file, r);
            return new ObjectMapper().readTree(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
