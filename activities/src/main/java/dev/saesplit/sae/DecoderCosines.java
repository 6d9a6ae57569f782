package dev.saesplit.sae;


/** Cosine similarity between an SAE's decoder rows (latent directions) and a direction. */
public final class DecoderCosines {

    private DecoderCosines() {
    }

    /**
     * The latent whose decoder row is most similar to {@code direction}.
     *
     * @param latent the latent's index
     * @param cosine its cosine similarity
     */
    public record Match(int latent, double cosine) {
    }

    public static Match best(SaeWeights weights, float[] direction) {
        double[] cosines = all(weights, direction);
        int best = 0;
        for (int j = 1; j < cosines.length; j++) {
            if (cosines[j] > cosines[best]) {
                best = j;
            }
        }
        return new Match(best, cosines[best]);
    }

    /** The cosine of every latent's decoder row with {@code direction}. */
    public static double[] all(SaeWeights weights, float[] direction) {
        float[] decoder = weights.decoderWeights(); // [d_sae, d_in], row-major
        int dIn = weights.dIn();
        double directionNorm = norm(direction, 0, dIn);
        double[] cosines = dots(weights, direction);
        for (int j = 0; j < cosines.length; j++) {
            double rowNorm = norm(decoder, j * dIn, dIn);
            cosines[j] = rowNorm == 0 || directionNorm == 0 ? 0 : cosines[j] / (rowNorm * directionNorm);
        }
        return cosines;
    }

    /** The dot product of every latent's decoder row with {@code direction}. */
    public static double[] dots(SaeWeights weights, float[] direction) {
        float[] decoder = weights.decoderWeights(); // [d_sae, d_in], row-major
        int dIn = weights.dIn();
        double[] dots = new double[weights.dSae()];
        for (int j = 0; j < dots.length; j++) {
            double dot = 0;
            for (int i = 0; i < dIn; i++) {
                dot += (double) decoder[j * dIn + i] * direction[i];
            }
            dots[j] = dot;
        }
        return dots;
    }

    /** The cosine similarity of two directions of equal length; 0 when either is zero. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
        }
        double norms = norm(a, 0, a.length) * norm(b, 0, b.length);
        return norms == 0 ? 0 : dot / norms;
    }

    /** The element-wise sum of two directions of equal length, as a child's direction adds to its parent's. */
    public static float[] sum(float[] a, float[] b) {
        float[] s = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    private static double norm(float[] v, int offset, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (double) v[offset + i] * v[offset + i];
        }
        return Math.sqrt(sum);
    }
}
