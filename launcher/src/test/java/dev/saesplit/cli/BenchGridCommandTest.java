package dev.saesplit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code saesplit bench grid} on a small shape: both ways train for real, in one run, and print their rates. */
class BenchGridCommandTest {

    @Test
    void theGridReadsEachBatchOnceForAllRowsAndPrintsBothRatesAndTheirRatio() {
        CliRun run = CliRun.of(Map.of(), "bench", "grid", "--rows", "3", "--d-in", "16", "--d-sae", "64",
                "--batch", "64", "--steps", "5", "--warmup-steps", "1", "--tokens", "1024");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("grid of 3 rows: d_in=16 d_sae=64 batch=64, 5 timed steps per row, "
                + "activations of 1,024 tokens"), run.out());
        Matcher together = Pattern.compile("(?m)^one pass +([\\d,]+) rows × tokens/s +5 batches read$")
                .matcher(run.out());
        assertTrue(together.find(), run.out());
        Matcher oneByOne = Pattern.compile("(?m)^row by row +([\\d,]+) rows × tokens/s +15 batches read$")
                .matcher(run.out());
        assertTrue(oneByOne.find(), run.out());
        Matcher ratio = Pattern.compile("(?m)^ratio +(\\d+\\.\\d\\d)× ").matcher(run.out());
        assertTrue(ratio.find(), run.out());
        assertTrue(Double.parseDouble(ratio.group(1)) > 0, run.out());
    }
}
