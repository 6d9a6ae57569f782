package dev.saesplit.init;

import dev.saesplit.random.SplitMix64;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;

/**
 * Configuration I, "init from narrow": a wide SAE whose first {@code d_narrow} latents copy the narrow SAE's
 * encoder columns, decoder rows and encoder biases, sharing its decoder bias; the remaining latents start
 * fresh (Kaiming uniform), so before training the wide SAE computes what the narrow one did, plus whatever
 * the fresh latents add.
 */
public final class NarrowToWideInitializer {

    private NarrowToWideInitializer() {
    }

    public static SaeWeights initialize(SaeWeights narrow, SaeConfig wideConfig, double decoderNorm, long seed) {
        int dIn = wideConfig.dIn();
        int wide = wideConfig.dSae();
        int copied = narrow.dSae();
        if (narrow.dIn() != dIn) {
            throw new IllegalArgumentException("narrow SAE reads d_in=" + narrow.dIn()
                    + " but the wide SAE is configured for d_in=" + dIn);
        }
        if (copied > wide) {
            throw new IllegalArgumentException("narrow SAE has " + copied + " latents, more than the wide SAE's " + wide);
        }
        float[] narrowEncoder = narrow.encoderWeights();
        float[] encoderWeights = new float[dIn * wide];
        float[] decoderWeights = new float[wide * dIn];
        for (int i = 0; i < dIn; i++) {
            System.arraycopy(narrowEncoder, i * copied, encoderWeights, i * wide, copied);
        }
        System.arraycopy(narrow.decoderWeights(), 0, decoderWeights, 0, copied * dIn);
        KaimingInitializer.initializeLatents(encoderWeights, decoderWeights, dIn, wide, copied, decoderNorm,
                new SplitMix64(seed));
        float[] encoderBias = new float[wide];
        System.arraycopy(narrow.encoderBias(), 0, encoderBias, 0, copied);
        SaeWeights fresh = new SaeWeights(wideConfig, encoderWeights, encoderBias, decoderWeights,
                narrow.decoderBias());
        if (fresh.threshold().isEmpty() || narrow.threshold().isEmpty()) {
            return fresh; // fresh thresholds (JumpReLU's initial one) where the narrow SAE has none of its own
        }
        // a JumpReLU narrow SAE's copied latents keep their own thresholds, so they still fire where they did
        float[] threshold = fresh.threshold().get();
        System.arraycopy(narrow.threshold().get(), 0, threshold, 0, copied);
        return new SaeWeights(wideConfig, encoderWeights, encoderBias, decoderWeights, narrow.decoderBias(),
                threshold);
    }
}
