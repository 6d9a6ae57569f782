package dev.saesplit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What every {@code saesplit bench} subcommand refuses before it measures anything: a usage error naming the option. */
class BenchOptionsTest {

    @ParameterizedTest
    @CsvSource({"train,--steps", "train,--k", "cache,--batch", "stream,--forward-batch", "grid,--rows",
            "grid,--tokens"})
    void aCountBelowOneIsAUsageErrorNamingTheOptionAndItsValue(String subcommand, String option) {
        CliRun run = CliRun.of(Map.of(), "bench", subcommand, option, "0");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains(option + " must be positive, was 0"), run.err());
    }

    @Test
    void moreWarmupStepsThanTheirMaximumIsAUsageErrorGivingBoth() {
        CliRun run = CliRun.of(Map.of(), "bench", "train", "--warmup-steps", "5", "--max-warmup-steps", "2");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("need 0 <= --warmup-steps <= --max-warmup-steps, was 5 and 2"), run.err());
    }

    @Test
    void negativeWarmupIsAUsageError() {
        CliRun cache = CliRun.of(Map.of(), "bench", "cache", "--warmup-batches", "-1");
        CliRun grid = CliRun.of(Map.of(), "bench", "grid", "--warmup-steps", "-1");

        assertEquals(2, cache.exitCode(), cache.out());
        assertTrue(cache.err().contains("--warmup-batches at least 0"), cache.err());
        assertEquals(2, grid.exitCode(), grid.out());
        assertTrue(grid.err().contains("--warmup-steps must be at least 0"), grid.err());
    }
}
