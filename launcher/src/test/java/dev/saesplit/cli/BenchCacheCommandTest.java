package dev.saesplit.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saesplit bench cache} on a few contexts: it caches for real and prints the ratio line. */
class BenchCacheCommandTest {

    @Test
    void printsCachingTokensPerSecondAndTheRatioToTheGemmRate() {
        CliRun run = CliRun.of(Map.of(), "bench", "cache", "--contexts", "8", "--context-size", "16", "--batch", "4",
                "--warmup-batches", "1");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        Matcher ratio = Pattern.compile("(?m)^ratio (\\d+\\.\\d\\d)$").matcher(run.out());
        assertTrue(ratio.find(), run.out());
        assertTrue(Double.parseDouble(ratio.group(1)) > 0, run.out());
        assertTrue(run.out().contains("work              8 contexts of 16 tokens, 4 contexts per forward"), run.out());
        assertTrue(run.out().contains("forward FLOPs     6.32 MFLOP/token"), "2·(4·512² + 2·16·512 + 2·512·2048)");
    }

    @Test
    void aContextLongerThanGelu1lsIsAUsageError() {
        CliRun run = CliRun.of(Map.of(), "bench", "cache", "--context-size", "2048");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("--context-size must be at most gelu-1l's n_ctx 1024"), run.err());
    }
}
