package dev.saesplit.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code saesplit lm train SPEC} trains: a small GELU transformer in TransformerLens's layout, on a corpus of
 * text and code files, with GPT-2 BPE tokens cut to the corpus's most frequent ones. Validated once by
 * {@link LanguageModelSpecParser}; every field below is part of the trained model's content key except where noted.
 *
 * @param name     the model's {@code model_name} (written into its {@code config.json}, hence in the key)
 * @param model    the architecture's sizes
 * @param corpus   the documents and how they are split
 * @param training the optimisation
 */
public record LanguageModelSpec(String name, Model model, Corpus corpus, Training training) {

    public LanguageModelSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(corpus, "corpus");
        Objects.requireNonNull(training, "training");
    }

    /**
     * @param layers transformer blocks
     * @param dModel residual stream width
     * @param heads  attention heads; {@code d_head = d_model / heads}
     * @param dMlp   MLP hidden width
     * @param nCtx   context length trained on (and the positional embedding's length)
     * @param vocab  vocabulary size after the cut, BOS and unknown token included
     */
    public record Model(int layers, int dModel, int heads, int dMlp, int nCtx, int vocab) {

        public int dHead() {
            return dModel / heads;
        }
    }

    /** Where documents come from. */
    public enum Source implements SpecChoice {
        /** The running Python interpreter's standard library sources ({@code Lib/}, without tests or site-packages). */
        PYTHON_STDLIB("python-stdlib"),
        /** Every file with one of the extensions under a folder. */
        FOLDER("folder");

        private final String specName;

        Source(String specName) {
            this.specName = specName;
        }

        @Override
        public String specName() {
            return specName;
        }
    }

    /**
     * @param source     where documents come from
     * @param path       the folder, for {@code folder}; {@code null} for {@code python-stdlib}
     * @param extensions file name endings read, e.g. {@code .py}
     * @param heldOut    the fraction of documents held out for the held-out loss, chosen by a hash of each
     *                   document's relative path (so the split does not move when files are added)
     */
    public record Corpus(Source source, Path path, List<String> extensions, double heldOut) {

        public Corpus {
            extensions = List.copyOf(extensions);
        }
    }

    /**
     * @param steps           optimiser steps
     * @param batchSize       contexts per step
     * @param learningRate    Adam's peak learning rate
     * @param warmupSteps     linear warm-up from zero to the peak
     * @param minLrFraction   cosine decay ends at this fraction of the peak
     * @param gradientClip    the global gradient norm is clipped to this
     * @param seed            initialisation and data order
     * @param checkpointEvery steps between checkpoints (not in the content key)
     * @param evalEvery       steps between held-out evaluations (not in the content key)
     * @param evalContexts    held-out contexts the held-out loss is measured on, at most
     */
    public record Training(int steps, int batchSize, double learningRate, int warmupSteps, double minLrFraction,
                           double gradientClip, long seed, int checkpointEvery, int evalEvery, int evalContexts) {

        public long tokens(int nCtx) {
            return (long) steps * batchSize * nCtx;
        }
    }
}
