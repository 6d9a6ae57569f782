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

    @Test
    void fromAModelTheGridForwardsEachContextOncePerEpochWhileTheRowsOneByOneReadTheCache() {
        CliRun run = CliRun.of(Map.of(), "bench", "grid", "--from-model", "--contexts", "16", "--context-size", "16",
                "--forward-batch", "4", "--rows", "3", "--d-sae", "64", "--batch", "64", "--warmup-steps", "1");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("grid of 3 rows: d_in=512 d_sae=64 batch=64, 4 timed steps per row, "
                + "activations of 256 tokens"), run.out());
        for (String side : new String[] {"one pass +([\\d,]+) rows × tokens/s +4 batches read",
                "row by row +([\\d,]+) rows × tokens/s +12 batches read", "ratio +(\\d+\\.\\d\\d)× "}) {
            Matcher figure = Pattern.compile("(?m)^" + side).matcher(run.out());
            assertTrue(figure.find() && Double.parseDouble(figure.group(1).replace(",", "")) > 0, side + " in "
                    + run.out());
        }
        assertTrue(run.out().contains("forward       one pass: 16 contexts forwarded while timed, 1.00 per context "
                + "per epoch (1.00 epochs, reading the stream), in "), run.out());
        Matcher oneByOne = Pattern.compile("(?m)^forward       row by row: none in its [\\d.]+ s \\(reading the "
                + "cache; rows equal the stream's: yes\\); writing the cache forwarded 16 contexts once")
                .matcher(run.out());
        assertTrue(oneByOne.find(), run.out());
    }

    @Test
    void fromAModelTheTimedStepsAreOneEpochSoStepsIsAUsageError() {
        CliRun run = CliRun.of(Map.of(), "bench", "grid", "--from-model", "--steps", "5");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("--steps does not apply with --from-model"), run.err());
    }
}
