package dev.saesplit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code saesplit validate} reads {@code stream} and {@code buffer_tokens} as {@code run} does, and says so. */
class ValidateStreamTest {

    @Test
    void aStreamedSpecValidatesNamingItsBuffer(@TempDir Path dir) throws Exception {
        Path spec = StreamedFixtureSpec.write(dir, "streamed", "  stream: true\n  buffer_tokens: 8k\n");

        CliRun run = CliRun.of(Map.of(), "validate", spec.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("model activations (parity-gelu-2l at blocks.0.hook_mlp_out, weight_processing "
                + "none, streamed with buffer_tokens 8000)"), run.out());
    }

    @Test
    void aBufferWithoutStreamingIsRejectedAtItsLine(@TempDir Path dir) throws Exception {
        Path spec = StreamedFixtureSpec.write(dir, "buffered", "  buffer_tokens: 8k\n");

        CliRun run = CliRun.of(Map.of(), "validate", spec.toString());

        assertEquals(SaesplitCommand.USAGE_ERROR, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("buffered.yaml:20:3: activations.buffer_tokens: only a streamed source has a "
                + "shuffle buffer"), run.err());
    }
}
