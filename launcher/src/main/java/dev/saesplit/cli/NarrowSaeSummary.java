package dev.saesplit.cli;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.SaeLensFormat;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * What a run that stops at the narrow SAE prints: where the SAE is, and its latents that fire most often on the
 * training data, so that {@code target_latent} can be chosen before the run table is trained.
 */
final class NarrowSaeSummary {

    /** Latents listed: enough to find a frequent, interpretable one without scrolling. */
    static final int TOP = 10;
    /** The floor SAELens adds before taking log10 of a frequency ({@code sparsity.safetensors}). */
    private static final double LOG_FLOOR = 1e-10;

    private NarrowSaeSummary() {
    }

    /**
     * One latent and the fraction of training tokens on which it fires.
     *
     * @param index     the latent's index, as {@code target_latent} names it
     * @param frequency in [0, 1]
     */
    record Latent(int index, double frequency) {
    }

    /**
     * The {@code count} most frequent latents of the SAE in {@code directory}, most frequent first (lower index
     * first among equals), from its {@code sparsity.safetensors}: every narrow SAE the pipeline produces has one,
     * computed on the training data when an imported SAE came without it.
     */
    static List<Latent> mostFrequent(Path directory, int count) {
        float[] log10 = SaeLensFormat.readSparsity(directory).orElseThrow(() -> new IllegalStateException(
                "the narrow SAE in " + directory + " has no " + SaeLensFormat.SPARSITY_FILE));
        return IntStream.range(0, log10.length)
                .mapToObj(j -> new Latent(j, Math.min(1, Math.max(0, Math.pow(10, log10[j]) - LOG_FLOOR))))
                .sorted(Comparator.comparingDouble(Latent::frequency).reversed().thenComparingInt(Latent::index))
                .limit(count)
                .toList();
    }

    /** Prints the SAE's directory and a markdown table of its {@link #TOP} most frequent latents. */
    static void print(SaeRef narrow, ArtifactStore store, PrintWriter out) {
        Path directory = store.localCopy(narrow.artifact());
        List<Latent> top = mostFrequent(directory, TOP);
        out.printf("narrow SAE (SAELens layout, %d latents on %d dimensions): %s%n", narrow.width(), narrow.dIn(),
                directory);
        out.printf("top %d of %d latents by firing frequency on the training data:%n", top.size(), narrow.width());
        out.println("| latent | frequency |");
        out.println("|---:|---:|");
        for (Latent latent : top) {
            out.printf(Locale.ROOT, "| %d | %.4g |%n", latent.index(), latent.frequency());
        }
        out.println("Set target_latent to the latent to study and run the spec with its run table; "
                + "the narrow SAE is reused, not trained again.");
        out.flush();
    }
}
