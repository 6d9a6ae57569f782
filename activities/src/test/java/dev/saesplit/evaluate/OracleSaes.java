package dev.saesplit.evaluate;

import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.util.List;

/**
 * SAEs built by hand from a ground truth's directions, so a test knows exactly which latent stands for what: each
 * latent reads along one direction (encoder = direction, bias −{@link #BIAS}) and writes it back.
 */
final class OracleSaes {

    /** Feature magnitudes are at least 1; interference in the test dimensions stays well below this. */
    static final float BIAS = 0.5f;

    private OracleSaes() {
    }

    /** A latent that reads along {@code encoder} and writes {@code decoder}. */
    record Latent(float[] encoder, float[] decoder) {
    }

    /** One latent per entry, in order: a {@code float[]} reads and writes one direction, a {@link Latent} two. */
    static SaeWeights of(GroundTruth truth, List<?> latents) {
        int dIn = truth.config().dIn();
        int dSae = latents.size();
        float[] encoder = new float[dIn * dSae];
        float[] bias = new float[dSae];
        float[] decoder = new float[dSae * dIn];
        for (int j = 0; j < dSae; j++) {
            Latent latent = latents.get(j) instanceof Latent l ? l
                    : new Latent((float[]) latents.get(j), (float[]) latents.get(j));
            float[] reads = unit(latent.encoder());
            float[] writes = unit(latent.decoder());
            for (int i = 0; i < dIn; i++) {
                encoder[i * dSae + j] = reads[i];
                decoder[j * dIn + i] = writes[i];
            }
            bias[j] = -BIAS;
        }
        return new SaeWeights(SaeConfig.of(dIn, dSae, new StandardArchitecture(), "synthetic", "hierarchy"), encoder,
                bias, decoder, new float[dIn]);
    }

    /** {@code direction} nudged by {@code scale} times a fixed pseudo-random vector: a near-copy. */
    static float[] nudged(float[] direction, double scale, long seed) {
        float[] copy = direction.clone();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < copy.length; i++) {
            copy[i] += (float) (scale * random.nextGaussian());
        }
        return unit(copy);
    }

    static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return u;
    }
}
