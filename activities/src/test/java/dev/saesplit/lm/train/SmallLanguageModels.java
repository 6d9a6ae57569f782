package dev.saesplit.lm.train;

import dev.saesplit.lm.dataset.PythonStdlib;
import dev.saesplit.spec.LanguageModelSpec;

import java.util.List;

/** Small corpora and training settings that run in seconds, for the trainer's tests. */
final class SmallLanguageModels {

    private SmallLanguageModels() {
    }

    /**
     * The running Python's {@code email} package (about 380 KB of code and docstrings in some 30 files): a real
     * slice of the python-stdlib corpus, on every machine saesplit runs on.
     */
    static LanguageModelSpec.Corpus stdlibEmail() {
        return new LanguageModelSpec.Corpus(LanguageModelSpec.Source.FOLDER, PythonStdlib.locate().resolve("email"),
                List.of(".py"), 0.2);
    }

    /** The running Python's {@code json} package (about 50 KB in 5 files): enough for mechanics, fast to read. */
    static LanguageModelSpec.Corpus stdlibJson() {
        return new LanguageModelSpec.Corpus(LanguageModelSpec.Source.FOLDER, PythonStdlib.locate().resolve("json"),
                List.of(".py"), 0.2);
    }

    static LanguageModelSpec.Training training(int steps, int batch, double learningRate, int checkpointEvery) {
        return new LanguageModelSpec.Training(steps, batch, learningRate, Math.max(1, steps / 10), 0.1, 1.0, 7,
                checkpointEvery, 1_000_000, 64);
    }
}
