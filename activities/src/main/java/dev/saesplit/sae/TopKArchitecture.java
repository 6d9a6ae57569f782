package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.FloatBuffer;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * TopK SAE: per token only the k largest pre-activations survive (then ReLU); sparse by construction. With
 * {@code rescale_acts_by_decoder_norm} (SAELens), pre-activations are multiplied by their decoder row's norm before
 * the selection and latents divided by it before decoding; the trainer here trains without it.
 */
public record TopKArchitecture(int k, boolean rescaleActsByDecoderNorm) implements SelectingArchitecture {

    public static final String NAME = "topk";
    private static final ThreadScratch ROW = new ThreadScratch();

    public TopKArchitecture {
        if (k < 1) {
            throw new IllegalArgumentException("topk architecture needs k >= 1, was " + k);
        }
    }

    /** Without decoder-norm rescaling, as the trainer trains it. */
    public TopKArchitecture(int k) {
        this(k, false);
    }

    @Override
    public float latentActivation(double[] preActivations, int latent) {
        return amongLargest(preActivations, latent, k);
    }

    /**
     * {@code preActivations[latent]} where it is positive and among the {@code keep} largest of the token's, else 0:
     * one token's selection, for the architectures that keep a number of latents per token.
     */
    static float amongLargest(double[] preActivations, int latent, int keep) {
        double value = preActivations[latent];
        if (!(value > 0) || keep < 1) {
            return 0f;
        }
        int larger = 0;
        for (double other : preActivations) {
            if (other > value && ++larger >= keep) {
                return 0f;
            }
        }
        return (float) value;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NDArray activate(NDArray preActivations) {
        int keep = (int) Math.min(k, preActivations.getShape().get(1));
        NDList top = preActivations.topK(keep, 1, true, false);
        try (NDArray values = top.get(0); NDArray indices = top.get(1);
             NDArray positiveValues = values.maximum(0f); NDArray zeros = preActivations.zerosLike()) {
            NDArray latents = zeros.scatter(indices, positiveValues, 1);
            preActivations.close();
            return latents;
        }
    }

    @Override
    public OptionalInt compactWidth(int dSae) {
        return OptionalInt.of(Math.min(k, dSae));
    }

    /**
     * Selects on the host, reading the pre-activations in place: one pass per token keeping the k largest seen so
     * far, which measured several times faster than the engine's top-k on the CPU. Ties at the k-th value are
     * broken by position, as the engine may break them otherwise (continuous pre-activations do not tie).
     */
    @Override
    public void activateCompact(NDArray preActivations, int[] latents, float[] values) {
        int tokens = (int) preActivations.getShape().get(0);
        int width = (int) preActivations.getShape().get(1);
        int keep = Math.min(k, width);
        FloatBuffer view = preActivations.toByteBuffer(true).asFloatBuffer();
        int chunk = 64;
        IntStream.range(0, (tokens + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] row = ROW.get(width);
            for (int b = c * chunk; b < Math.min(tokens, (c + 1) * chunk); b++) {
                view.get(b * width, row, 0, width);
                selectLargest(row, width, keep, b * keep, latents, values);
            }
        });
    }

    /**
     * The {@code keep} largest of {@code row}'s first {@code width} entries into {@code [at, at + keep)}, values
     * floored at 0.
     */
    private static void selectLargest(float[] row, int width, int keep, int at, int[] indices, float[] values) {
        int smallest = 0;
        for (int j = 0; j < keep; j++) {
            indices[at + j] = j;
            values[at + j] = row[j];
            if (row[j] < values[at + smallest]) {
                smallest = j;
            }
        }
        float threshold = values[at + smallest];
        for (int j = keep; j < width; j++) {
            if (row[j] > threshold) {
                indices[at + smallest] = j;
                values[at + smallest] = row[j];
                smallest = 0;
                for (int m = 1; m < keep; m++) {
                    if (values[at + m] < values[at + smallest]) {
                        smallest = m;
                    }
                }
                threshold = values[at + smallest];
            }
        }
        for (int j = 0; j < keep; j++) {
            values[at + j] = Math.max(values[at + j], 0f);
        }
    }

    @Override
    public void writeConfigFields(ObjectNode cfg) {
        cfg.put("k", k);
        cfg.put("rescale_acts_by_decoder_norm", rescaleActsByDecoderNorm);
    }
}
