package dev.saesplit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.saesplit.sae.SaeLensEnvironment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * saesplit's trainer recovers SAELens's synthetic toolkit's ground-truth features as well as SAELens's own trainer
 * does, on every architecture of the peer check, by the toolkit's own scores. Skipped, saying why, only when the
 * SAELens environment cannot be installed. {@code -Dsaesplit.peer.thorough=true} runs the bench's default size.
 */
class PeerCheckTest {

    /** Small enough for a few seconds of training per SAE on one core. */
    static final PeerCheck.Settings SMALL = new PeerCheck.Settings(64, 32, 64, 65_536, 256, 1_500, 3e-3, 0, 1.0, 1.0,
            100, 2, 2, true, 50_000, 7);

    @Test
    void saesplitRecoversTheToolkitsFeaturesWithinTwoHundredthsOfSaeLensOnEveryArchitecture() throws Exception {
        Path python = SaeLensEnvironment.python();
        PeerCheck.Settings settings = Boolean.getBoolean("saesplit.peer.thorough") ? PeerCheck.Settings.BENCH : SMALL;

        PeerCheck.Result result = PeerCheck.run(settings, PeerArchitecture.ALL, python,
                Path.of("..", "infra", "saelens_peer_check.py").toAbsolutePath().normalize());

        System.out.println(result.describe());
        assertEquals(PeerArchitecture.ALL.size(), result.architectures().size());
        for (PeerCheck.ArchitectureResult architecture : result.architectures()) {
            String name = architecture.architecture().name();
            // A comparison of two SAEs that learned nothing would pass; SAELens's must have found the features.
            double saeLensMcc = PeerStatistics.mean(architecture.saeLens(), PeerCheck.Score::mcc);
            assertTrue(saeLensMcc > 0.5, name + ": SAELens's MCC " + saeLensMcc + " says it learned nothing");
            assertTrue(Math.abs(architecture.mccDifference()) <= PeerCheck.TOLERANCE,
                    name + ": MCC differs from SAELens's by " + architecture.mccDifference());
            assertTrue(Math.abs(architecture.f1Difference()) <= PeerCheck.TOLERANCE,
                    name + ": F1 differs from SAELens's by " + architecture.f1Difference());
        }
    }
}
