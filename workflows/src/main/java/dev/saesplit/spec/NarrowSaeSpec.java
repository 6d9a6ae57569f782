package dev.saesplit.spec;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.nio.file.Path;

/** The narrow SAE whose target latent is studied: trained by the experiment, or an existing one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = NarrowSaeSpec.Train.class, name = "train"),
        @JsonSubTypes.Type(value = NarrowSaeSpec.Existing.class, name = "existing")})
public sealed interface NarrowSaeSpec {

    /** Latents of the narrow SAE. */
    int width();

    /**
     * Train a narrow SAE on the experiment's activations.
     *
     * @param tokens training token budget
     * @param seed   seed for initialisation and data order
     */
    record Train(int width, long tokens, long seed) implements NarrowSaeSpec {
    }

    /**
     * Reuse an SAE saved elsewhere.
     *
     * @param path  its SAELens directory ({@code cfg.json}, {@code sae_weights.safetensors}), or the {@code N.pt} of
     *              an SAE in Neel Nanda's 1L-Sparse-Autoencoder format ({@code N_cfg.json} beside it)
     * @param width its number of latents, read from its config
     */
    record Existing(Path path, int width) implements NarrowSaeSpec {
    }
}
