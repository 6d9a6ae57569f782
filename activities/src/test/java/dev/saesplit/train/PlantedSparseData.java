package dev.saesplit.train;

import dev.saesplit.random.SplitMix64;

/**
 * Activations built from known sparse features: each row is a sum of a few random unit directions with
 * positive magnitudes. An SAE that learns should find each direction among its decoder rows.
 */
final class PlantedSparseData {

    final int dIn;
    final int features;
    final float[] directions;
    final float[] rows;

    PlantedSparseData(int dIn, int features, int rowCount, double firingProbability, long seed) {
        this.dIn = dIn;
        this.features = features;
        SplitMix64 random = new SplitMix64(seed);
        this.directions = new float[features * dIn];
        for (int f = 0; f < features; f++) {
            double norm = 0;
            for (int i = 0; i < dIn; i++) {
                directions[f * dIn + i] = (float) random.nextGaussian();
                norm += directions[f * dIn + i] * directions[f * dIn + i];
            }
            for (int i = 0; i < dIn; i++) {
                directions[f * dIn + i] /= (float) Math.sqrt(norm);
            }
        }
        this.rows = new float[rowCount * dIn];
        for (int r = 0; r < rowCount; r++) {
            for (int f = 0; f < features; f++) {
                if (random.nextDouble() < firingProbability) {
                    float magnitude = 1f + (float) random.nextDouble();
                    for (int i = 0; i < dIn; i++) {
                        rows[r * dIn + i] += magnitude * directions[f * dIn + i];
                    }
                }
            }
        }
    }

    /** For each planted direction, its best cosine similarity with any decoder row. */
    double[] bestCosines(float[] decoderWeights, int dSae) {
        double[] best = new double[features];
        for (int f = 0; f < features; f++) {
            best[f] = -1;
            for (int latent = 0; latent < dSae; latent++) {
                double dot = 0;
                double norm = 0;
                for (int i = 0; i < dIn; i++) {
                    dot += directions[f * dIn + i] * decoderWeights[latent * dIn + i];
                    norm += decoderWeights[latent * dIn + i] * decoderWeights[latent * dIn + i];
                }
                best[f] = Math.max(best[f], norm > 0 ? dot / Math.sqrt(norm) : -1);
            }
        }
        return best;
    }
}
