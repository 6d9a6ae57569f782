package dev.saesplit.sae;

import ai.djl.ndarray.NDArray;
import dev.saesplit.artifact.ArtifactCorruptException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * SAELens's {@code normalize_activations}: how an SAE rescales each activation row before encoding, as SAELens 6
 * does at inference ({@code SAE.run_time_activation_norm_fn_in}). Modes that need statistics saesplit does not
 * have ({@code covariance_whitening}) are rejected when the config is read, naming the file and field.
 */
public enum ActivationNormalization {

    /** No rescaling. */
    NONE("none"),
    /** Scaled during training only; SAELens folds the factor into the weights, so inference does nothing. */
    EXPECTED_AVERAGE_ONLY_IN("expected_average_only_in"),
    /** Each row scaled to norm √d_in: x · √d_in / ‖x‖. */
    CONSTANT_NORM_RESCALE("constant_norm_rescale"),
    /** Each row centred and divided by its (unbiased) standard deviation plus 1e-5. */
    LAYER_NORM("layer_norm");

    private static final double LAYER_NORM_EPS = 1e-5;

    private final String configName;

    ActivationNormalization(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** The mode named {@code name} in {@code cfgFile}; null (older SAELens) means none. */
    public static ActivationNormalization fromConfig(String name, Path cfgFile) {
        if (name == null) {
            return NONE;
        }
        for (ActivationNormalization mode : values()) {
            if (mode.configName.equals(name)) {
                return mode;
            }
        }
        throw new ArtifactCorruptException(cfgFile, "normalize_activations", "'" + name + "' is not supported; "
                + "saesplit encodes with " + Arrays.stream(values()).map(m -> m.configName).toList());
    }

    /** Whether encoding rescales rows at all. */
    public boolean rescalesRows() {
        return this == CONSTANT_NORM_RESCALE || this == LAYER_NORM;
    }

    /** The rows of {@code x [tokens, d_in]} as the encoder sees them; a new array (or {@code x} itself if none). */
    NDArray normalize(NDArray x) {
        long dIn = x.getShape().get(1);
        return switch (this) {
            case NONE, EXPECTED_AVERAGE_ONLY_IN -> x;
            case CONSTANT_NORM_RESCALE -> {
                try (NDArray norms = x.norm(new int[] {1}, true)) {
                    yield x.mul(Math.sqrt(dIn)).divi(norms);
                }
            }
            case LAYER_NORM -> {
                try (NDArray mean = x.mean(new int[] {1}, true); NDArray centred = x.sub(mean);
                     NDArray std = rowStd(centred, dIn).addi(LAYER_NORM_EPS)) {
                    yield centred.div(std);
                }
            }
        };
    }

    /** {@code decoded}, reconstructed in the normalised space of {@code x}'s rows, mapped back to {@code x}'s scale. */
    NDArray denormalize(NDArray decoded, NDArray x) {
        long dIn = x.getShape().get(1);
        return switch (this) {
            case NONE, EXPECTED_AVERAGE_ONLY_IN -> decoded;
            case CONSTANT_NORM_RESCALE -> {
                try (NDArray norms = x.norm(new int[] {1}, true); NDArray owned = decoded) {
                    yield owned.mul(norms).divi(Math.sqrt(dIn));
                }
            }
            case LAYER_NORM -> {
                try (NDArray mean = x.mean(new int[] {1}, true); NDArray centred = x.sub(mean);
                     NDArray std = rowStd(centred, dIn); NDArray owned = decoded) {
                    yield owned.mul(std).addi(mean);
                }
            }
        };
    }

    /** Per row, the unbiased standard deviation of already centred rows (torch.std's default): {@code [tokens, 1]}. */
    private static NDArray rowStd(NDArray centred, long dIn) {
        try (NDArray squares = centred.square(); NDArray sums = squares.sum(new int[] {1}, true)) {
            return sums.divi(dIn - 1).sqrt();
        }
    }

    /**
     * One row {@code rows[offset, offset + dIn)} as the encoder sees it, in double: the host-side twin of
     * {@link #normalize}, for code that encodes a row at a time.
     */
    public double[] normalizeRow(float[] rows, int offset, int dIn) {
        double[] x = new double[dIn];
        for (int i = 0; i < dIn; i++) {
            x[i] = rows[offset + i];
        }
        switch (this) {
            case NONE, EXPECTED_AVERAGE_ONLY_IN -> {
            }
            case CONSTANT_NORM_RESCALE -> {
                double squares = 0;
                for (double v : x) {
                    squares += v * v;
                }
                double scale = Math.sqrt(dIn) / Math.sqrt(squares);
                for (int i = 0; i < dIn; i++) {
                    x[i] *= scale;
                }
            }
            case LAYER_NORM -> {
                double mean = 0;
                for (double v : x) {
                    mean += v;
                }
                mean /= dIn;
                double squares = 0;
                for (int i = 0; i < dIn; i++) {
                    x[i] -= mean;
                    squares += x[i] * x[i];
                }
                double std = Math.sqrt(squares / (dIn - 1)) + LAYER_NORM_EPS;
                for (int i = 0; i < dIn; i++) {
                    x[i] /= std;
                }
            }
        }
        return x;
    }
}
