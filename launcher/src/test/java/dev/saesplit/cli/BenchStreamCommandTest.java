package dev.saesplit.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code saesplit bench stream} on a few contexts: it caches and streams the same contexts, finds their rows equal
 * and prints training tokens/s from each in one run.
 */
class BenchStreamCommandTest {

    @Test
    void printsTrainingTokensPerSecondFromTheCacheAndFromTheStreamOfEqualRows() {
        CliRun run = CliRun.of(Map.of(), "bench", "stream", "--contexts", "16", "--context-size", "16",
                "--forward-batch", "4", "--d-sae", "64", "--batch", "64");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("rows equal          yes"), run.out());
        assertTrue(run.out().contains("SAE                 512 → 64 latents, batch 64, 4 timed steps (one epoch)"),
                run.out());
        for (String line : new String[]{"train from cache", "train from stream", "forward"}) {
            Matcher rate = Pattern.compile("(?m)^" + line + " +(\\d+) tokens/s").matcher(run.out());
            assertTrue(rate.find() && Long.parseLong(rate.group(1)) > 0, line + " in " + run.out());
        }
    }

    @Test
    void fewerContextsThanOneTrainingBatchIsAUsageError() {
        CliRun run = CliRun.of(Map.of(), "bench", "stream", "--contexts", "2", "--context-size", "16",
                "--batch", "64");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("--contexts must hold at least one --batch of tokens"), run.err());
    }
}
