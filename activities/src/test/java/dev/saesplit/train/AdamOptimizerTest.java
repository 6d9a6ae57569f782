package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AdamOptimizerTest {

    /** PyTorch's Adam: θ −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε), computed in double. */
    private static double[] torchAdam(double[] gradients, double lr, AdamSettings s) {
        double theta = 0;
        double m = 0;
        double v = 0;
        double[] trajectory = new double[gradients.length];
        for (int t = 1; t <= gradients.length; t++) {
            double g = gradients[t - 1];
            m = s.beta1() * m + (1 - s.beta1()) * g;
            v = s.beta2() * v + (1 - s.beta2()) * g * g;
            double denominator = Math.sqrt(v) / Math.sqrt(1 - Math.pow(s.beta2(), t)) + s.epsilon();
            theta -= lr / (1 - Math.pow(s.beta1(), t)) * m / denominator;
            trajectory[t - 1] = theta;
        }
        return trajectory;
    }

    @Test
    void updatesEqualPyTorchAdamEvenWhereEpsilonDominates() {
        // Gradients the size of ε: adding ε to the uncorrected √v would make the first step ~16× too small;
        // float32 arithmetic agrees with the double reference to a few parts per million.
        AdamSettings settings = new AdamSettings(0.9, 0.999, 1e-3);
        double[] gradients = {1e-3, -2e-3, 5e-4, 1e-3};
        double lr = 0.01;
        double[] expected = torchAdam(gradients, lr, settings);
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
             SparseAutoencoder sae = SparseAutoencoder.upload(new SaeWeights(
                     SaeConfig.of(1, 1, new StandardArchitecture(), "m", "h"),
                     new float[1], new float[1], new float[1], new float[1]), manager)) {
            AdamOptimizer adam = new AdamOptimizer(sae, settings);
            for (int t = 0; t < gradients.length; t++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray g = step.create(new float[] {(float) gradients[t]});
                    adam.update(new Gradients(g.reshape(1, 1), g, g.reshape(1, 1), g), lr, 1.0);
                }
                for (NDArray parameter : new NDArray[] {sae.encoderWeights(), sae.encoderBias(),
                        sae.decoderWeights(), sae.decoderBias()}) {
                    assertEquals(expected[t], parameter.toFloatArray()[0], 2e-5 * Math.abs(expected[t]),
                            "step " + (t + 1));
                }
            }
        }
    }
}
