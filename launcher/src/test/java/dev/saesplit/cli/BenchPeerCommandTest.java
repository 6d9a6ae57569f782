package dev.saesplit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code saesplit bench peer} refuses before it draws or trains anything: a usage error naming the option.
 * The check itself runs in {@code PeerCheckTest}.
 */
class BenchPeerCommandTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--architecture|relu|--architecture must be one of [standard, topk, batchtopk, matryoshka_batchtopk, "
                    + "jumprelu], was 'relu'",
            "--seeds|0|--seeds must be positive, was 0",
            "--steps|0|--steps must be positive, was 0",
            "--tokens|100|--tokens must hold at least one --batch, was 100 and 512",
            "--k|300|--k must be at most --d-sae, was 300 and 256"})
    void settingsThatCannotRunAreAUsageErrorNamingTheOption(String option, String value, String message) {
        CliRun run = CliRun.of(Map.of(), "bench", "peer", option, value);

        assertEquals(2, run.exitCode(), run.out());
        assertTrue(run.err().contains(message), run.err());
    }
}
