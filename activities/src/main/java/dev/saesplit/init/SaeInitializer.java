package dev.saesplit.init;

import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.Init;
import java.util.Optional;

/** Configurations I and II of a run: how the SAE's weights start, and whether its decoder rows are normalised. */
public final class SaeInitializer {

    private SaeInitializer() {
    }

    /**
     * @param narrow      the narrow SAE, required for {@link Init#NARROW}
     * @param decoderNorm initial norm of fresh decoder rows
     */
    public static SaeWeights initialize(SaeConfig config, Init init, boolean normalised, Optional<SaeWeights> narrow,
                                        double decoderNorm, long seed) {
        SaeWeights weights;
        int copied;
        switch (init) {
            case RANDOM -> {
                weights = KaimingInitializer.initialize(config, decoderNorm, seed);
                copied = 0;
            }
            case NARROW -> {
                SaeWeights source = narrow.orElseThrow(() ->
                        new IllegalArgumentException("init 'narrow' needs the narrow SAE's weights"));
                weights = NarrowToWideInitializer.initialize(source, config, decoderNorm, seed);
                copied = source.dSae();
            }
            default -> throw new IllegalArgumentException("unknown init " + init);
        }
        return normalised ? DecoderNormalizer.normalize(weights, copied) : weights;
    }
}
