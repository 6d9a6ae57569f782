package dev.saesplit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code saesplit bench train} on a small shape: it trains for real, times both paths and prints E. */
class BenchTrainCommandTest {

    @Test
    void aTopKSaeRunsEveryTimedStepSparseAndPrintsBothPathsAndE() {
        // k = 2 of 64 latents is 3 % density, under the sparse path's 5 % bound
        CliRun run = CliRun.of(Map.of(), "bench", "train", "--d-in", "16", "--d-sae", "64", "--batch", "64",
                "--steps", "4", "--warmup-steps", "10", "--max-warmup-steps", "60", "--architecture", "topk",
                "--k", "2");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("d_in=16 d_sae=64 batch=64, TopK k=2, synthetic-hierarchy data"), run.out());
        Matcher sparse = Pattern.compile("(?m)^sparse path +(\\d+\\.\\d) +\\S+ % +4 of 4 ").matcher(run.out());
        assertTrue(sparse.find(), run.out());
        assertTrue(Double.parseDouble(sparse.group(1)) <= 2.0, "L0 of TopK k=2: " + sparse.group(1));
        assertTrue(Pattern.compile("(?m)^dense path +\\S+ +\\S+ % +0 of 4 ").matcher(run.out()).find(), run.out());
        Matcher efficiency = Pattern.compile("(?m)^efficiency E +(\\d+\\.\\d\\d) ").matcher(run.out());
        assertTrue(efficiency.find(), run.out());
        assertTrue(Double.parseDouble(efficiency.group(1)) > 0, run.out());
        // each path's step memory comes from a JVM of its own, in three parts
        assertTrue(Pattern.compile("(?m)^memory +step needs -?\\d+ MiB \\(sparse path\\), -?\\d+ MiB \\(dense path\\)")
                .matcher(run.out()).find(), run.out());
        String parts = "-?\\d+ \\+ -?\\d+ \\+ -?\\d+ MiB";
        assertTrue(Pattern.compile("(?m)^ +sparse " + parts + ", dense " + parts + "$").matcher(run.out()).find(),
                run.out());
    }

    @Test
    void anUnknownArchitectureIsAUsageError() {
        CliRun run = CliRun.of(Map.of(), "bench", "train", "--architecture", "gated");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("architecture must be one of [relu, topk, batchtopk, matryoshka, jumprelu], "
                + "was 'gated'"), run.err());
    }

    @Test
    void aFractionalKForTopKIsAUsageError() {
        CliRun run = CliRun.of(Map.of(), "bench", "train", "--architecture", "topk", "--k", "2.5");

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains("topk needs a whole k >= 1, was 2.5"), run.err());
    }
}
