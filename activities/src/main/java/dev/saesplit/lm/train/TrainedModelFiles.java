package dev.saesplit.lm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.sae.safetensors.SafetensorsWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained model's folder, in the format the model stage loads ({@code TransformerWeights.load},
 * {@code Tokenizers.open}): {@value #WEIGHTS_FILE} with TransformerLens names, {@value #CONFIG_FILE} with
 * TransformerLens's {@code HookedTransformerConfig} fields, and the vocabulary cut ({@link CutVocabulary#FILE_NAME}).
 */
final class TrainedModelFiles {

    static final String WEIGHTS_FILE = "model.safetensors";
    static final String CONFIG_FILE = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainedModelFiles() {
    }

    static void write(Path directory, TransformerWeights weights, CutVocabulary vocabulary) {
        SafetensorsWriter.write(directory.resolve(WEIGHTS_FILE), List.copyOf(weights.tensors().values()),
                Map.of("format", "pt"));
        vocabulary.write(directory);
        TransformerConfig c = weights.config();
        ObjectNode config = JSON.createObjectNode();
        config.put("model_name", c.modelName());
        config.put("n_layers", c.nLayers());
        config.put("d_model", c.dModel());
        config.put("d_head", c.dHead());
        config.put("n_heads", c.nHeads());
        config.put("d_mlp", c.dMlp());
        config.put("d_vocab", c.dVocab());
        config.put("d_vocab_out", c.dVocab());
        config.put("n_ctx", c.nCtx());
        config.put("act_fn", c.actFn().configName());
        config.put("normalization_type", c.normalization().configName());
        config.put("eps", c.eps());
        config.put("positional_embedding_type", "standard");
        config.put("attn_only", false);
        config.put("tokenizer_name", (String) null);
        config.put("tokenizer_prepends_bos", true);
        try {
            Files.writeString(directory.resolve(CONFIG_FILE), JSON.writeValueAsString(config));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(CONFIG_FILE), e);
        }
    }
}
