package dev.saesplit.train;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.init.InitActivitiesImpl;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.TopKArchitecture;
import dev.saesplit.spec.Architecture;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.TrainingSpec;
import dev.saesplit.store.ClosedAfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run-table row's architecture, through the initialisation and training activities a row runs: seeded from the
 * narrow SAE (for Matryoshka, into its innermost group), trained with a latent zeroed, and saved as SAELens saves
 * that architecture for inference.
 */
class RowArchitectureTrainingTest {

    private static final String SPEC = TrainingWorkspace.oneRowSpec("archs", "20k", "10k");
    private static final TrainingSpec TRAINING = new TrainingSpec(256, 1e-3, 1.0, 5, 5, 0, 20, 10);
    private static final long TOKENS = 256 * 40;
    private static final int NARROW = 8;
    private static final int WIDE = 24;
    private static final int ZEROED = 3;

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();

    @Test
    void eachArchitectureIsSeededFromTheNarrowSaeTrainsWithTheTargetZeroedAndSavesAsSaeLensDoes() throws Exception {
        TrainingWorkspace workspace = new TrainingWorkspace(opened, SPEC, null, null);
        SaeRef narrowRef = workspace.initialise("narrow", NARROW, 1);
        SaeWeights narrow = SaeLensFormat.read(ArtifactStore.directory(narrowRef.artifact()));
        List<ArchitectureSpec> architectures = List.of(
                new ArchitectureSpec(Architecture.TOPK, 3.0, null, null),
                new ArchitectureSpec(Architecture.BATCHTOPK, 3.0, null, null),
                new ArchitectureSpec(Architecture.JUMPRELU, null, null, 0.01),
                new ArchitectureSpec(Architecture.MATRYOSHKA, 3.0, List.of(NARROW, WIDE - NARROW), null));

        for (ArchitectureSpec architecture : architectures) {
            String row = architecture.name().specName();
            SaeRef initialRef = new InitActivitiesImpl(workspace.store).initialise(new InitRequest("archs", row,
                    workspace.data, WIDE, 5, Init.NARROW, false, narrowRef, architecture));
            SaeWeights initial = SaeLensFormat.read(ArtifactStore.directory(initialRef.artifact()));
            if (architecture.name() == Architecture.MATRYOSHKA) {
                assertEquals(List.of(NARROW, WIDE), ((MatryoshkaBatchTopKArchitecture) initial.config().architecture())
                        .matryoshkaWidths(), "SAELens's matryoshka_widths: the narrow SAE is the innermost group");
            }
            for (int latent = 0; latent < NARROW; latent++) {
                assertArrayEquals(narrow.decoderRow(latent), initial.decoderRow(latent),
                        row + ": latent " + latent + " is the narrow SAE's");
            }

            SaeRef trainedRef = opened.environment(workspace.activities()).newActivityStub(TrainingActivities.class)
                    .train(new TrainRequest("archs", row, initialRef,
                    workspace.data, null, TRAINING, TOKENS, 5, ZEROED, architecture));
            SaeWeights trained = SaeLensFormat.read(ArtifactStore.directory(trainedRef.artifact()));

            if (architecture.name() == Architecture.TOPK) {
                assertInstanceOf(TopKArchitecture.class, trained.config().architecture(), row);
            } else {
                // BatchTopK and Matryoshka are saved for inference as JumpReLU, as SAELens saves them
                assertInstanceOf(JumpReLUArchitecture.class, trained.config().architecture(), row);
                assertTrue(trained.threshold().isPresent(), row);
            }
            assertArrayEquals(new float[trained.dIn()], trained.encoderColumn(ZEROED),
                    row + ": the zeroed target is saved unable to fire");
            assertTrue(!Arrays.equals(initial.decoderRow(NARROW), trained.decoderRow(NARROW)), row + " trained");
        }
    }
}
