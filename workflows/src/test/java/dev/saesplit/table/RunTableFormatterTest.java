package dev.saesplit.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.spec.Architecture;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunTableFormatterTest {

    private static final RunTableRow EVALUATED = new RunTableRow(new RunSpec("11",
            "filtered, \"copied\" + zero-target", 4096, 43, Init.NARROW, false, DataSelection.FILTERED,
            LossChange.ZERO_TARGET, 2_000_000_000L, "partial"), RunStatus.SUCCEEDED, Optional.of(SplitOutcome.PARTIAL), Optional.of("2 of 3 children"),
            Optional.empty(), Optional.empty(), Map.of("train/loss", 1.25, "final/all/mse", 0.5),
            Optional.of("hyphen-240/run-11"), Optional.empty());

    @Test
    void csvFollowsTheSeedStudysColumnOrderAndQuotesFieldsThatNeedIt() {
        String csv = RunTableFormatter.format("e", List.of(EVALUATED), RunTableFormatter.Format.CSV);

        assertEquals("run,purpose,width,seed,init,normalised,data,loss,split success,reason,status\r\n"
                + "11,\"filtered, \"\"copied\"\" + zero-target\",4096,43,narrow,no,filtered,zero-target,partial,"
                + "2 of 3 children,succeeded\r\n", csv);
    }

    @Test
    void jsonCarriesEveryRecordedField() throws Exception {
        JsonNode run = new ObjectMapper().readTree(
                RunTableFormatter.format("hyphen-240", List.of(EVALUATED), RunTableFormatter.Format.JSON))
                .get("runs").get(0);

        assertEquals("partial", run.get("split_success").asText());
        assertEquals(2_000_000_000L, run.get("tokens").asLong());
        assertEquals("hyphen-240/run-11", run.get("workflow_id").asText());
        assertEquals(true, run.get("mlflow_run_id").isNull());
        assertEquals("2 of 3 children", run.get("split_reason").asText());
        assertEquals(1.25, run.get("results").get("train/loss").asDouble());
        assertEquals(0.5, run.get("results").get("final/all/mse").asDouble());
    }

    @Test
    void aGroundTruthColumnAppearsOnlyWhenSomeRowWasScoredAgainstOne() {
        RunTableRow scored = new RunTableRow(EVALUATED.config(), RunStatus.SUCCEEDED, Optional.of(SplitOutcome.YES),
                Optional.of("3 distinct children"), Optional.of(SplitOutcome.PARTIAL), Optional.of("2 of 3"), Map.of(),
                Optional.empty(), Optional.empty());

        assertEquals(false, RunTableFormatter.headers(List.of(EVALUATED)).contains("ground truth"));
        assertEquals(List.of("split success", "reason", "ground truth", "status"),
                RunTableFormatter.headers(List.of(EVALUATED, scored)).subList(8, 12));
        assertEquals("partial", RunTableFormatter.cells(scored, List.of(scored)).get(10));
    }

    @Test
    void anArchitectureColumnFollowsTheWidthOnlyWhenSomeRowNamesOne() throws Exception {
        RunTableRow matryoshka = new RunTableRow(new RunSpec("12", "nested", 4096, 43, Init.NARROW, false,
                DataSelection.ALL, LossChange.STANDARD, 1000, "", null,
                new ArchitectureSpec(Architecture.MATRYOSHKA, 32.0, List.of(512, 3584), null)), RunStatus.PENDING,
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
                Optional.empty());

        assertEquals(false, RunTableFormatter.headers(List.of(EVALUATED)).contains("architecture"));
        List<RunTableRow> both = List.of(EVALUATED, matryoshka);
        assertEquals(List.of("run", "purpose", "width", "architecture", "seed"),
                RunTableFormatter.headers(both).subList(0, 5));
        assertEquals("relu", RunTableFormatter.cells(EVALUATED, both).get(3));
        assertEquals("matryoshka k=32 groups 512+3584", RunTableFormatter.cells(matryoshka, both).get(3));
        JsonNode json = new ObjectMapper().readTree(RunTableFormatter.format("e", both, RunTableFormatter.Format.JSON));
        assertEquals("relu", json.get("runs").get(0).get("architecture").get("name").asText());
        JsonNode nested = json.get("runs").get(1).get("architecture");
        assertEquals("matryoshka", nested.get("name").asText());
        assertEquals(32.0, nested.get("k").asDouble());
        assertEquals(3584, nested.get("groups").get(1).asInt());
    }

    @Test
    void markdownEscapesPipesAndMarksMissingValues() {
        RunTableRow pending = new RunTableRow(new RunSpec("1", "a | b", 8, 1, Init.RANDOM, true, DataSelection.ALL,
                LossChange.STANDARD, 10, ""), RunStatus.PENDING, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Map.of(), Optional.empty(), Optional.empty());

        String md = RunTableFormatter.format("e", List.of(pending), RunTableFormatter.Format.MD);

        assertEquals("| 1   | a \\| b  | 8     | 1    | random | yes        | all  | standard | -             | pending |",
                md.lines().toList().get(2));
    }

    @Test
    void csvCellsThatASpreadsheetWouldRunAsFormulasAreDefused() {
        RunTableRow hostile = new RunTableRow(new RunSpec("=HYPERLINK(\"http://x\")", "@SUM(A1)", 8, 1, Init.RANDOM,
                true, DataSelection.ALL, LossChange.STANDARD, 10, ""), RunStatus.FAILED, Optional.empty(),
                Optional.of("+cmd|' /C calc'!A0"), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
                Optional.empty());

        List<String> fields = List.of(RunTableFormatter.format("e", List.of(hostile), RunTableFormatter.Format.CSV)
                .split("\r\n")[1].split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)"));

        assertEquals("\"'=HYPERLINK(\"\"http://x\"\")\"", fields.get(0));
        assertEquals("\"'@SUM(A1)\"", fields.get(1));
        assertEquals("\"'+cmd|' /C calc'!A0\"", fields.get(9));
    }

    @Test
    void markdownForTheTerminalShowsControlCharactersInsteadOfSendingThem() {
        RunTableRow coloured = new RunTableRow(new RunSpec("1", "\u001b[2J\u001b]0;owned\u0007 wipe", 8, 1, Init.RANDOM,
                true, DataSelection.ALL, LossChange.STANDARD, 10, ""), RunStatus.PENDING, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty());

        String md = RunTableFormatter.format("e", List.of(coloured), RunTableFormatter.Format.MD);

        assertEquals(false, md.chars().anyMatch(c -> c == 0x1b || c == 0x07), md);
        assertEquals(true, md.contains("\\e[2J\\e]0;owned\\x07 wipe"), md);
    }

    @Test
    void theMarkdownTableGivesEachReasonBelowItWrappedToATerminalsWidth() {
        String reason = "children 62, 10 cover 100% of the target; set aside 5 (fires with a child), 7, 9, 11 +4 more "
                + "(background); the parent survives as 3; probe \"I'm a multi-millionaire\" fails (+2 more)";
        RunTableRow row = new RunTableRow(EVALUATED.config(), RunStatus.SUCCEEDED, Optional.of(SplitOutcome.YES),
                Optional.of(reason), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty());

        List<String> lines = RunTableFormatter.format("e", List.of(row), RunTableFormatter.Format.MD).lines().toList();

        assertEquals(false, lines.get(0).contains("reason"), lines.get(0));
        assertEquals(true, lines.get(2).contains("| yes "), lines.get(2));
        assertEquals("reasons (every figure: split_report.json and the report):", lines.get(4));
        assertEquals(true, lines.get(5).startsWith("  11  children 62, 10 cover 100% of the target;"), lines.get(5));
        assertEquals(true, lines.get(6).startsWith("      "), "wrapped under the reason: " + lines.get(6));
        assertEquals(reason, String.join(" ", lines.subList(5, lines.size())).substring(6).replaceAll(" {2,}", " "));
        for (String line : lines.subList(4, lines.size())) {
            assertEquals(true, line.length() <= RunTableFormatter.WIDTH, line);
        }
        assertEquals(true, RunTableFormatter.format("e", List.of(row), RunTableFormatter.Format.CSV)
                .contains(reason.replace("\"", "\"\"")), "the CSV keeps the reason whole");
    }

    @Test
    void aTableWithoutReasonsYetHasNoReasonsPart() {
        RunTableRow pending = new RunTableRow(EVALUATED.config(), RunStatus.PENDING, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), Optional.empty(), Optional.empty());

        assertEquals(3, RunTableFormatter.format("e", List.of(pending), RunTableFormatter.Format.MD).lines().count());
    }
}
