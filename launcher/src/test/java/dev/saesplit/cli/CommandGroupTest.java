package dev.saesplit.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A command that only groups subcommands, run without one, prints its usage and ends with the usage exit code. */
class CommandGroupTest {

    @ParameterizedTest
    @CsvSource({"bench,train", "bench,peer", "lm,train"})
    void runAloneItListsItsSubcommandsOnStandardOutputAndExitsWithTheUsageCode(String group, String subcommand) {
        CliRun run = CliRun.of(Map.of(), group);

        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Usage: saesplit " + group + " "), run.out());
        assertTrue(run.out().lines().anyMatch(line -> line.strip().startsWith(subcommand + " ")), run.out());
        assertEquals("", run.err());
    }
}
