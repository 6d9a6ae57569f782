package dev.saesplit.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reproducibility as a number: rows that differ only in seed are judged together, per configuration. */
class SeedGroupsTest {

    private static RunTableRow row(String id, String purpose, long seed, DataSelection data, long tokens,
                                   SplitOutcome outcome, double children, double coverage) {
        return new RunTableRow(new RunSpec(id, purpose, 4096, seed, Init.RANDOM, true, data, LossChange.STANDARD,
                tokens, ""), RunStatus.SUCCEEDED, Optional.ofNullable(outcome), Optional.empty(), Optional.empty(),
                Optional.empty(), outcome == null ? Map.of() : Map.of(SeedGroups.DISTINCT_CHILDREN, children,
                SeedGroups.COVERAGE, coverage), Optional.empty(), Optional.empty());
    }

    private static final List<RunTableRow> STUDY = List.of(
            row("4", "filtered data", 10, DataSelection.FILTERED, 2_000_000L, SplitOutcome.YES, 3, 0.97),
            row("5", "run 4, another seed", 49, DataSelection.FILTERED, 2_000_000L, SplitOutcome.YES, 2, 0.91),
            row("6", "run 4, another seed", 42, DataSelection.FILTERED, 2_000_000L, SplitOutcome.PARTIAL, 2, 0.71),
            row("9", "run 4, fewer tokens", 43, DataSelection.FILTERED, 26_200L, SplitOutcome.YES, 2, 0.9),
            row("12", "all data", 42, DataSelection.ALL, 2_000_000L, SplitOutcome.NO, 1, 0.4));

    @Test
    void rowsThatDifferOnlyInSeedAreCountedTogetherWhateverTheirPurpose() {
        List<SeedGroups.Group> groups = SeedGroups.of(STUDY);

        assertEquals(1, groups.size(), "another token budget or other data is another configuration");
        assertEquals(List.of("4", "5", "6"), groups.get(0).rows().stream().map(RunTableRow::runId).toList());
        assertEquals("filtered data, random init, normalised, standard loss, 4096 latents, 2,000,000 tokens: yes on 2 "
                + "of 3 seeds, partial on 1; distinct children 2–3, coverage of the target's tokens 71–97%",
                groups.get(0).summary());
    }

    @Test
    void rowsNotYetEvaluatedAreSaidSoAndExistingSaesStandAlone() {
        List<RunTableRow> rows = List.of(STUDY.get(0),
                row("5", "another seed", 49, DataSelection.FILTERED, 2_000_000L, null, 0, 0),
                new RunTableRow(new RunSpec("s", "the study's SAE", 4096, 10, Init.RANDOM, true, DataSelection.FILTERED,
                        LossChange.STANDARD, 2_000_000L, "", Path.of("14.pt")), RunStatus.SUCCEEDED,
                        Optional.of(SplitOutcome.YES), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(),
                        Optional.empty(), Optional.empty()));

        List<SeedGroups.Group> groups = SeedGroups.of(rows);

        assertEquals(List.of("4", "5"), groups.get(0).rows().stream().map(RunTableRow::runId).toList());
        assertTrue(groups.get(0).summary().contains("yes on 1 of 1 seeds; 1 of 2 not evaluated yet"),
                groups.get(0).summary());
    }

    @Test
    void theTableAndItsJsonCarryTheGroups() throws Exception {
        String md = RunTableFormatter.format("e", STUDY, RunTableFormatter.Format.MD);
        assertTrue(md.contains("across seeds (rows that differ only in seed):\n  runs 4, 5, 6: filtered data, random "
                + "init"), md);

        JsonNode group = new ObjectMapper().readTree(RunTableFormatter.format("e", STUDY,
                RunTableFormatter.Format.JSON)).get("seed_groups").get(0);
        assertEquals("[\"4\",\"5\",\"6\"]", group.get("runs").toString());
        assertEquals(2, group.get("outcomes").get("yes").asInt());
        assertEquals(1, group.get("outcomes").get("partial").asInt());
        assertEquals(0.71, group.get("coverage").get("min").asDouble());
        assertEquals(3.0, group.get("distinct_children").get("max").asDouble());
    }
}
