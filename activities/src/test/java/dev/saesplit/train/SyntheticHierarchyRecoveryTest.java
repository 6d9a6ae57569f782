package dev.saesplit.train;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.filter.FilterConfig;
import dev.saesplit.filter.FilterResult;
import dev.saesplit.data.FilteredActivationSource;
import dev.saesplit.filter.FilteredDataSelector;
import dev.saesplit.filter.LatentProbe;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The science the pipeline automates, on data with a known answer: a narrow SAE learns the ground-truth parent
 * directions, and a wider SAE trained only on the tokens where a parent's latent fires learns that parent's
 * children.
 */
class SyntheticHierarchyRecoveryTest {

    private static final int D_IN = 32;
    private static final int BATCH = 256;

    @TempDir
    Path dir;

    @Test
    void aNarrowSaeFindsTheParentsAndAWideSaeOnFilteredTokensFindsTheChildren() throws Exception {
        GroundTruth truth = SyntheticHierarchy.generate(
                SyntheticHierarchyConfig.of(D_IN, 20, 2, 3, 0.04, 80_000, 11).withChildProbability(0.5),
                dir.resolve("data"));
        try (ActivationCacheReader data = ActivationCacheReader.open(dir.resolve("data"))) {
            SaeWeights narrow = train(data, 8, 1500, 1);
            for (HierarchyParent parent : truth.parents()) {
                double cosine = DecoderCosines.best(narrow, truth.direction(parent.feature())).cosine();
                assertTrue(cosine >= 0.9, "parent " + parent.feature() + " best cosine " + cosine);
            }

            HierarchyParent parent = truth.parents().get(0);
            int latent = DecoderCosines.best(narrow, truth.direction(parent.feature())).latent();
            FilterResult filtered = new FilteredDataSelector(FilterConfig.withThreshold(0.5f)).select(data,
                    LatentProbe.standard(narrow.encoderColumn(latent), narrow.encoderBias(latent), narrow.decoderBias()),
                    dir.resolve("filtered"));
            try (ActivationSource parentTokens = FilteredActivationSource.open(data, filtered.keptRowsFile())) {
                SaeWeights wide = train(parentTokens, 16, 1500, 2);
                for (int child : parent.children()) {
                    double alone = DecoderCosines.best(wide, truth.direction(child)).cosine();
                    double withParent = DecoderCosines.best(wide, DecoderCosines.sum(truth.direction(parent.feature()),
                            truth.direction(child))).cosine();
                    assertTrue(Math.max(alone, withParent) >= 0.9, "child " + child + " of parent " + parent.feature()
                            + ": best cosine " + Math.max(alone, withParent) + " (kept "
                            + filtered.statistics().tokensKept() + " tokens)");
                }
            }
        }
    }

    private static SaeWeights train(ActivationSource source, int width, int steps, long seed) {
        return SmallSaes.train(source, width, steps, seed, BATCH, 0.2, 100);
    }
}
