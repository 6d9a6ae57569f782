package dev.saesplit.sae;

import java.util.Objects;

/**
 * What an SAE is, as its {@code cfg.json} records it (SAELens layout).
 *
 * @param dIn                  width of the activations it reads
 * @param dSae                 number of latents
 * @param architecture         how pre-activations become latents
 * @param modelName            the language model whose activations it reads ({@code metadata.model_name})
 * @param hookName             the hook point it reads ({@code metadata.hook_name})
 * @param applyBDecToInput     whether the encoder sees {@code x − b_dec} rather than {@code x}
 * @param normalizeActivations SAELens's activation normalisation mode; none for SAEs trained here
 * @param dtype                the dtype recorded in {@code cfg.json}; what the tensors were read from (written
 *                             tensors are always float32, and so is the dtype written with them)
 * @param device               the device recorded in {@code cfg.json}
 */
public record SaeConfig(
        int dIn,
        int dSae,
        SaeArchitecture architecture,
        String modelName,
        String hookName,
        boolean applyBDecToInput,
        ActivationNormalization normalizeActivations,
        String dtype,
        String device) {

    public static final String FLOAT32 = "float32";

    public SaeConfig {
        if (dIn < 1 || dSae < 1) {
            throw new IllegalArgumentException("d_in and d_sae must be positive, were " + dIn + " and " + dSae);
        }
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(hookName, "hookName");
        Objects.requireNonNull(normalizeActivations, "normalizeActivations");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(device, "device");
    }

    /** An SAE as trained here: b_dec subtracted from the input, no activation normalisation, float32 on cpu. */
    public static SaeConfig of(int dIn, int dSae, SaeArchitecture architecture, String modelName, String hookName) {
        return new SaeConfig(dIn, dSae, architecture, modelName, hookName, true, ActivationNormalization.NONE, FLOAT32,
                "cpu");
    }

    /**
     * The config of an SAE trained here from weights of this shape: the trainer sees raw activations in float32
     * on its own device, so what an imported SAE recorded about its run-time normalisation, dtype and device does
     * not carry over.
     */
    public SaeConfig forTraining() {
        return new SaeConfig(dIn, dSae, architecture, modelName, hookName, applyBDecToInput,
                ActivationNormalization.NONE, FLOAT32, "cpu");
    }

    /** The same SAE with another architecture. */
    public SaeConfig withArchitecture(SaeArchitecture newArchitecture) {
        return new SaeConfig(dIn, dSae, newArchitecture, modelName, hookName, applyBDecToInput,
                normalizeActivations, dtype, device);
    }

    /** The same SAE with another number of latents (a wider or narrower dictionary). */
    public SaeConfig withDSae(int newDSae) {
        return new SaeConfig(dIn, newDSae, architecture, modelName, hookName, applyBDecToInput,
                normalizeActivations, dtype, device);
    }
}
