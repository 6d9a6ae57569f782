package dev.saesplit.lm.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What saesplit needs from a {@code tokenizer.json} that the Hugging Face library does not expose: the vocabulary
 * size and the BOS id. A {@code tokenizer.json} has no "bos_token" field (that lives in
 * {@code tokenizer_config.json}), so the BOS is taken, in order, from a sibling {@code tokenizer_config.json}, from
 * the first special token the post-processor puts before a single sequence, or from a special token with one of the
 * customary BOS names.
 *
 * @param vocabSize  one more than the largest id in the model vocabulary or the added tokens
 * @param bosTokenId the BOS id, where one is declared
 */
record TokenizerJsonFacts(int vocabSize, OptionalInt bosTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Large vocabularies' tokenizer.json files are tens of MiB; a file past this is not one. */
    static final int MAX_TOKENIZER_BYTES = 64 << 20;
    private static final List<String> CUSTOMARY_BOS_NAMES =
            List.of("<|endoftext|>", "<|begin_of_text|>", "<|startoftext|>", "<s>", "<bos>", "[BOS]");

    static TokenizerJsonFacts read(Path file) {
        JsonNode root = parse(file);
        TokenizerRegexCheck.check(file, root);
        JsonNode model = root.path("model");
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject() && !vocab.isArray()) {
            throw new TokenizerFileException(file, "has no model.vocab; is it a Hugging Face tokenizer.json?");
        }
        int maxId = -1;
        if (vocab.isArray()) {
            maxId = vocab.size() - 1; // Unigram: [piece, score] pairs, the id is the index
        } else {
            for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
                maxId = Math.max(maxId, id.asInt());
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asInt());
        }
        return new TokenizerJsonFacts(maxId + 1, findBos(file, root, vocab));
    }

    private static OptionalInt findBos(Path file, JsonNode root, JsonNode vocab) {
        Optional<String> configured = configuredBosName(file.resolveSibling("tokenizer_config.json"));
        if (configured.isPresent()) {
            return idOf(configured.get(), root, vocab);
        }
        OptionalInt fromTemplate = templateBos(root.path("post_processor"));
        if (fromTemplate.isPresent()) {
            return fromTemplate;
        }
        for (String name : CUSTOMARY_BOS_NAMES) {
            for (JsonNode added : root.path("added_tokens")) {
                if (added.path("special").asBoolean() && name.equals(added.path("content").asText())) {
                    return OptionalInt.of(added.path("id").asInt());
                }
            }
        }
        return OptionalInt.empty();
    }

    private static Optional<String> configuredBosName(Path config) {
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        JsonNode bos = parse(config).path("bos_token");
        // Written either as a plain string or as an AddedToken object with a "content" field.
        String name = bos.isTextual() ? bos.asText() : bos.path("content").asText(null);
        return Optional.ofNullable(name);
    }

    /** The first special token of the single-sequence template, looking inside a Sequence of processors. */
    private static OptionalInt templateBos(JsonNode processor) {
        if ("Sequence".equals(processor.path("type").asText())) {
            for (JsonNode inner : processor.path("processors")) {
                OptionalInt found = templateBos(inner);
                if (found.isPresent()) {
                    return found;
                }
            }
            return OptionalInt.empty();
        }
        if (!"TemplateProcessing".equals(processor.path("type").asText())) {
            return OptionalInt.empty();
        }
        JsonNode first = processor.path("single").path(0).path("SpecialToken");
        if (first.isMissingNode()) {
            return OptionalInt.empty();
        }
        JsonNode ids = processor.path("special_tokens").path(first.path("id").asText()).path("ids");
        return ids.size() == 1 ? OptionalInt.of(ids.get(0).asInt()) : OptionalInt.empty();
    }

    private static OptionalInt idOf(String name, JsonNode root, JsonNode vocab) {
        for (JsonNode added : root.path("added_tokens")) {
            if (name.equals(added.path("content").asText())) {
                return OptionalInt.of(added.path("id").asInt());
            }
        }
        return vocab.has(name) ? OptionalInt.of(vocab.get(name).asInt()) : OptionalInt.empty();
    }

    private static JsonNode parse(Path file) {
        try {
            return JSON.readTree(RegularFiles.read(file, MAX_TOKENIZER_BYTES));
        } catch (UnreadableFileException e) {
            throw new TokenizerFileException(file, e.problem().replace("such a file", "a tokenizer.json"), e);
        } catch (IOException e) {
            throw new TokenizerFileException(file, "is not readable JSON: " + e.getMessage(), e);
        }
    }
}
