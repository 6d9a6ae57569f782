package dev.saesplit.lm.tokens;

import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the tokenizer a spec names. */
public final class Tokenizers {

    /** The spec naming GPT-2's built-in vocabulary. */
    public static final String GPT2 = "gpt2";

    private Tokenizers() {
    }

    /**
     * {@code gpt2} for GPT-2's vocabulary (built in), otherwise a path to a {@code tokenizer.json} or to a
     * directory holding one (a Hugging Face model snapshot, say), or to a {@value CutVocabulary#FILE_NAME} or a
     * directory holding one (a model trained by {@code saesplit lm train}: GPT-2 BPE with a cut vocabulary).
     */
    public static Tokenizer open(String spec) {
        if (spec.strip().equalsIgnoreCase(GPT2)) {
            return new Gpt2BpeTokenizer();
        }
        Path path = Path.of(spec.strip());
        if (path.getFileName() != null && path.getFileName().toString().equals(CutVocabulary.FILE_NAME)) {
            return new CutVocabularyTokenizer(CutVocabulary.read(path));
        }
        if (Files.isDirectory(path) && !Files.exists(path.resolve("tokenizer.json"))
                && Files.isRegularFile(path.resolve(CutVocabulary.FILE_NAME))) {
            return new CutVocabularyTokenizer(CutVocabulary.read(path.resolve(CutVocabulary.FILE_NAME)));
        }
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.isRegularFile(file)) {
            throw new TokenizerFileException(file, "no such file; a tokenizer is '" + GPT2
                    + "' or a path to a tokenizer.json or a "
                    + CutVocabulary.FILE_NAME + " (or to a directory holding one)");
        }
        return HuggingFaceTokenizer.open(file);
    }
}
