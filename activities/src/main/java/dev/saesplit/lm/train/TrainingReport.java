package dev.saesplit.lm.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a language-model training measured, saved as {@value #FILE_NAME} beside the weights and printed by
 * {@code saesplit lm train}. Losses are mean next-token cross-entropies in nats on the same held-out contexts.
 *
 * @param trainingSeconds wall-clock seconds of the attempt that finished the training (a resumed attempt counts
 *                        only its own part)
 */
public record TrainingReport(
        @JsonProperty("name") String name,
        @JsonProperty("corpus") String corpus,
        @JsonProperty("training_documents") int trainingDocuments,
        @JsonProperty("held_out_documents") int heldOutDocuments,
        @JsonProperty("corpus_training_tokens") long corpusTrainingTokens,
        @JsonProperty("vocabulary") int vocabulary,
        @JsonProperty("unknown_token_fraction") double unknownTokenFraction,
        @JsonProperty("steps") long steps,
        @JsonProperty("tokens_trained") long tokensTrained,
        @JsonProperty("epochs") double epochs,
        @JsonProperty("final_training_loss") double finalTrainingLoss,
        @JsonProperty("held_out_contexts") int heldOutContexts,
        @JsonProperty("held_out_loss") double heldOutLoss,
        @JsonProperty("unigram_loss") double unigramLoss,
        @JsonProperty("bigram_loss") double bigramLoss,
        @JsonProperty("bigram_smoothing") double bigramSmoothing,
        @JsonProperty("resumed_from_step") long resumedFromStep,
        @JsonProperty("training_seconds") double trainingSeconds,
        @JsonProperty("samples") List<Sample> samples) {

    public static final String FILE_NAME = "training.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A completion sampled from the trained model (through the model stage) after {@code prompt}. */
    public record Sample(@JsonProperty("prompt") String prompt, @JsonProperty("completion") String completion) {
    }

    void write(Path directory) {
        try {
            Files.writeString(directory.resolve(FILE_NAME), JSON.writeValueAsString(this));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(FILE_NAME), e);
        }
    }

    public static TrainingReport read(Path directory) {
        try {
            return JSON.readValue(directory.resolve(FILE_NAME).toFile(), TrainingReport.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + directory.resolve(FILE_NAME), e);
        }
    }

    /** The lines {@code saesplit lm train} prints. */
    public List<String> describe() {
        List<String> lines = new java.util.ArrayList<>();
        lines.add(String.format("held-out loss %.4f nats/token (unigram %.4f, bigram %.4f) on %d held-out contexts",
                heldOutLoss, unigramLoss, bigramLoss, heldOutContexts));
        lines.add(String.format("trained %d steps, %,d tokens (%.2f epochs of %,d) in %.0f s%s; final training loss %.4f",
                steps, tokensTrained, epochs, corpusTrainingTokens, trainingSeconds,
                resumedFromStep > 0 ? " (resumed from step " + resumedFromStep + ")" : "", finalTrainingLoss));
        lines.add(String.format("corpus: %d training and %d held-out documents; vocabulary %d (unknown tokens %.2f%%)",
                trainingDocuments, heldOutDocuments, vocabulary, 100 * unknownTokenFraction));
        for (Sample sample : samples) {
            lines.add("sample: " + sample.prompt() + "⟨" + sample.completion() + "⟩");
        }
        return lines;
    }
}
