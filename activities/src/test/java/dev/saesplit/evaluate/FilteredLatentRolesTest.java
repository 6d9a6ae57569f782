package dev.saesplit.evaluate;

import dev.saesplit.data.InMemoryActivationSource;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The roles of a wide SAE's latents when it was trained on filtered data, on SAEs and tokens built by hand in four
 * dimensions: e0 is the target's direction, e1 and e2 two children (each on 40 % of the target's tokens, the rest
 * bare), e3 a background feature on 30 % of all tokens. The wide SAE keeps the typical target token in its decoder
 * bias, has one latent per child, one along e0 that fires on the target's larger tokens (a magnitude split) and one
 * for the background feature. Each must land in its own role, and the bare target tokens count as covered by the
 * bias.
 */
class FilteredLatentRolesTest {

    private static final int D = 4;
    private static final float THRESHOLD = 0.5f;
    private static final int CHILD_A = 0;
    private static final int CHILD_B = 1;
    private static final int BY_SIZE = 2;
    private static final int BACKGROUND = 3;

    @Test
    void childrenMagnitudeSplitsAndBackgroundLatentsAreToldApartAndTheBiasCoversTheBareTarget() {
        SplitEvaluator.Findings f = SplitEvaluator.evaluate(new SplitEvaluator.Subject(wide(), narrow(), 0, THRESHOLD,
                -1, true), InMemoryActivationSource.of(tokens(8000, 11), D), SplitCriteria.DEFAULTS, Optional.empty());

        assertEquals(List.of(CHILD_A, CHILD_B), f.children().stream().map(SplitReport.Latent::latent).sorted().toList(),
                "the children: " + f.verdict().reason());
        Map<Integer, String> setAside = f.setAside().stream()
                .collect(Collectors.toMap(SplitReport.SetAside::latent, SplitReport.SetAside::why));
        assertEquals(Map.of(BY_SIZE, SplitReport.SetAside.MAGNITUDE, BACKGROUND, SplitReport.SetAside.BACKGROUND),
                setAside, f.verdict().reason());
        assertTrue(f.parents().isEmpty(), "no latent fires on nearly all of the target's tokens: " + f.parents());
        assertTrue(f.split().coverage() < 0.9, "the children fire on 80 % of the target's tokens: "
                + f.split().coverage());
        assertTrue(f.split().biasCoverage() > 0.1, "the bare target tokens are the bias's: " + f.split().biasCoverage());
        assertEquals(SplitOutcome.YES, f.verdict().outcome(), f.verdict().reason());
    }

    /** Half the tokens carry the target (size 0.8–1.6) with child e1, e2 or none; any token may carry e3. */
    private static float[] tokens(int count, long seed) {
        Random random = new Random(seed);
        float[] x = new float[count * D];
        for (int t = 0; t < count; t++) {
            if (random.nextBoolean()) {
                x[t * D] = 0.8f + 0.8f * random.nextFloat();
                double child = random.nextDouble();
                if (child < 0.8) {
                    x[t * D + (child < 0.4 ? 1 : 2)] = 0.8f + 0.4f * random.nextFloat();
                }
            }
            if (random.nextDouble() < 0.3) {
                x[t * D + 3] = 0.8f + 0.4f * random.nextFloat();
            }
        }
        return x;
    }

    /** Latent 0 reads the target's direction, latent 1 the background feature's. */
    private static SaeWeights narrow() {
        return sae(new int[] {0, 3}, new float[] {0, 0}, new float[D]);
    }

    /** Children along e1 and e2, e0 again above the typical size the bias holds, and e3; the bias holds e0. */
    private static SaeWeights wide() {
        return sae(new int[] {1, 2, 0, 3}, new float[] {-0.3f, -0.3f, -0.2f, -0.3f}, new float[] {1, 0, 0, 0});
    }

    /** Latent j reads and writes basis direction {@code axes[j]} with encoder bias {@code biases[j]}. */
    private static SaeWeights sae(int[] axes, float[] biases, float[] decoderBias) {
        int latents = axes.length;
        float[] encoder = new float[D * latents];
        float[] decoder = new float[latents * D];
        for (int j = 0; j < latents; j++) {
            encoder[axes[j] * latents + j] = 1;
            decoder[j * D + axes[j]] = 1;
        }
        return new SaeWeights(SaeConfig.of(D, latents, new StandardArchitecture(), "synthetic", "hand-built"),
                encoder, biases, decoder, decoderBias);
    }
}
