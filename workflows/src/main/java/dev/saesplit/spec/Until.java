package dev.saesplit.spec;

/** How far through the pipeline a run goes, which decides what the spec must define. */
public enum Until {
    /**
     * Activations and the narrow SAE only, so its latents can be inspected before {@code target_latent} is chosen:
     * the target and the run table may be left out.
     */
    NARROW,
    /** The whole pipeline: every row of the run table, evaluated and reported; {@code target_latent} is required. */
    REPORT
}
