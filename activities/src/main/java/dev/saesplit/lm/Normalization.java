package dev.saesplit.lm;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/** The layer normalisations this engine implements, as TransformerLens's {@code normalization_type} names them. */
public enum Normalization {

    /** LayerNorm with a learned scale and bias ({@code "LN"}). */
    LN("LN", true),
    /** LayerNorm without affine parameters, as left after TransformerLens folds them into the next weights. */
    LN_PRE("LNPre", false),
    /** No normalisation at all ({@code null} in {@code config.json}). */
    NONE(null, false);

    private final String configName;
    private final boolean hasWeights;

    Normalization(String configName, boolean hasWeights) {
        this.configName = configName;
        this.hasWeights = hasWeights;
    }

    /** The name in {@code config.json}; {@code null} for {@link #NONE}. */
    public String configName() {
        return configName;
    }

    /** Whether the model stores {@code ln*.w} and {@code ln*.b}. */
    public boolean hasWeights() {
        return hasWeights;
    }

    /** Whether the residual stream is normalised before attention, MLP and unembedding. */
    public boolean normalizes() {
        return this != NONE;
    }

    /** The normalisation a config names ({@code null} meaning none), if this engine implements it. */
    public static Optional<Normalization> fromConfigName(String name) {
        return Arrays.stream(values()).filter(n -> Objects.equals(n.configName, name)).findFirst();
    }

    /** The accepted names, for error messages. */
    public static String configNames() {
        return Arrays.toString(Arrays.stream(values()).map(Normalization::configName).toArray());
    }
}
