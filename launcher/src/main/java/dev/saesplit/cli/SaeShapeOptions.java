package dev.saesplit.cli;

import picocli.CommandLine.Option;

/** {@code --d-sae} and {@code --batch}: the SAE and training step the bench subcommands that train measure. */
final class SaeShapeOptions {

    @Option(names = "--d-sae", defaultValue = "4096", description = "latents (default: ${DEFAULT-VALUE})")
    int dSae;

    @Option(names = "--batch", defaultValue = "4096", description = "tokens per step (default: ${DEFAULT-VALUE})")
    int batch;
}
