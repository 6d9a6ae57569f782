package dev.saesplit.evaluate;

import ai.djl.ndarray.NDManager;
import dev.saesplit.activations.FixtureModelSpec;
import dev.saesplit.data.RowTokens;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.lm.dataset.ContextStream;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.ActivationSourceSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loss recovered on the fixture model, for SAEs whose answer is known. */
class LossRecoveredTest {

    private static final int D = 64;

    private final ActivationSourceSpec.Model spec = FixtureModelSpec.mlpOut(12 * FixtureModelSpec.CONTEXT);
    private NDManager manager;
    private LanguageModel model;
    private List<int[]> contexts;

    @BeforeEach
    void open() {
        manager = ComputeDevice.newManager(ComputeDevice.selected());
        model = LanguageModel.open(spec, manager);
        contexts = new ArrayList<>();
        try (ContextStream stream = model.batcher(model.documents()).contexts()) {
            for (int i = 0; i < 12; i++) {
                contexts.add(stream.next().tokenIds());
            }
        }
    }

    @AfterEach
    void close() {
        model.close();
        manager.close();
    }

    @Test
    void anSaeThatReconstructsExactlyRecoversAllTheLoss() {
        LossRecoveredSummary loss = measure(identitySae());

        assertEquals(loss.ceClean(), loss.ceSpliced(), 1e-5);
        assertEquals(1.0, loss.fractionRecovered(), 1e-4);
        assertTrue(loss.ceZeroAblated() > loss.ceClean() + 0.01, "ablating the MLP output must cost loss: " + loss);
        assertEquals(12L * (FixtureModelSpec.CONTEXT - 1), loss.tokens());
    }

    @Test
    void anSaeThatOutputsZerosRecoversNothing() {
        LossRecoveredSummary loss = measure(new SaeWeights(config(D), new float[D * D], new float[D], new float[D * D],
                new float[D]));

        assertEquals(loss.ceZeroAblated(), loss.ceSpliced(), 1e-6);
        assertEquals(0.0, loss.fractionRecovered(), 1e-4);
    }

    @Test
    void theMeasurementChecksForCancellationBeforeEveryForwardPassAndStopsAtTheFirstThatThrows() {
        AtomicInteger checks = new AtomicInteger();
        try (SparseAutoencoder sae = SparseAutoencoder.upload(identitySae(), manager)) {
            LossRecovered.measure(model.transformer(), model.hook(), sae, contexts, 5, manager,
                    checks::incrementAndGet);
            assertEquals(3, checks.get(), "12 contexts, 5 a pass");

            checks.set(0);
            assertThrows(CancellationException.class, () -> LossRecovered.measure(model.transformer(), model.hook(),
                    sae, contexts, 5, manager, () -> {
                        if (checks.incrementAndGet() == 2) {
                            throw new CancellationException("cancelled after the first pass");
                        }
                    }));
        }
        assertEquals(2, checks.get(), "no pass after the one that found the cancellation");
    }

    @Test
    void heldOutContextsAreTheWholeOnesFromTheFirstRow() {
        long[] contextOf = {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3};
        int[] position = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1};
        RowTokens rows = new RowTokens() {
            public long rows() {
                return contextOf.length;
            }

            public int tokenId(long row) {
                return 100 + (int) row;
            }

            public long context(long row) {
                return contextOf[(int) row];
            }

            public int position(long row) {
                return position[(int) row];
            }
        };

        List<int[]> found = LossRecovered.contexts(rows, 2, 3, 10);

        assertEquals(2, found.size(), "context 0 is cut by the start, context 3 by the end");
        assertArrayEquals(new int[] {103, 104, 105}, found.get(0));
        assertArrayEquals(new int[] {106, 107, 108}, found.get(1));
    }

    private LossRecoveredSummary measure(SaeWeights weights) {
        try (SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager)) {
            return LossRecovered.measure(model.transformer(), model.hook(), sae, contexts, 5, manager);
        }
    }

    /** ReLU(x) and ReLU(-x) as latents, decoded as their difference: x exactly. */
    private static SaeWeights identitySae() {
        int latents = 2 * D;
        float[] encoder = new float[D * latents];
        float[] decoder = new float[latents * D];
        for (int i = 0; i < D; i++) {
            encoder[i * latents + i] = 1;
            encoder[i * latents + D + i] = -1;
            decoder[i * D + i] = 1;
            decoder[(D + i) * D + i] = -1;
        }
        return new SaeWeights(config(latents), encoder, new float[latents], decoder, new float[D]);
    }

    private static SaeConfig config(int latents) {
        return SaeConfig.of(D, latents, new StandardArchitecture(), "parity-gelu-2l", "blocks.0.hook_mlp_out");
    }
}
