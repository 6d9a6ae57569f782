package dev.saesplit.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The contexts a benchmark runs a random model of gelu-1l's shape over, caching and streaming them:
 * {@code --contexts}, {@code --context-size} and {@code --forward-batch}, checked against the training batch they
 * must fill.
 */
final class ModelContextsOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--contexts", defaultValue = "128",
            description = "contexts cached and streamed: the timed epoch (default: ${DEFAULT-VALUE})")
    int contexts;

    @Option(names = "--context-size", defaultValue = "128",
            description = "tokens per context (default: ${DEFAULT-VALUE})")
    int contextSize;

    @Option(names = "--forward-batch", defaultValue = "32",
            description = "contexts per forward pass, the spec's batch_size (default: ${DEFAULT-VALUE})")
    int forwardBatch;

    /** Refuses sizes the model cannot run or that hold less than one training batch of {@code batch} tokens. */
    void requireValid(int batch) {
        OptionChecks options = new OptionChecks(spec);
        options.requirePositive("--contexts", contexts, "--context-size", contextSize, "--forward-batch",
                forwardBatch);
        options.require(contextSize <= 1024 && (long) contexts * contextSize >= batch,
                "--context-size must be at most gelu-1l's n_ctx 1024 and --contexts must hold at least one --batch"
                        + " of tokens");
    }
}
