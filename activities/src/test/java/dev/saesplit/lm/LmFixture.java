package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/**
 * The committed parity fixture under {@code src/test/resources/lm}, made by {@code make_fixture.py} with
 * TransformerLens: models in each accepted format and TransformerLens's activations for them.
 */
final class LmFixture {

    /** The TransformerLens model as a torch.save state dict. */
    static final String TL_PTH = "tl-pth";
    /** The same model as TransformerLens-named safetensors. */
    static final String TL_SAFETENSORS = "tl-safetensors";
    /** A HuggingFace GPT-2 checkpoint. */
    static final String HF_GPT2 = "hf-gpt2";

    private LmFixture() {
    }

    static Path path(String name) {
        URL url = LmFixture.class.getResource("/lm/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource lm/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reference activations, logits, loss and tokens for a model directory of the fixture. */
    static Map<String, NamedTensor> reference(String model) {
        String file = model.equals(HF_GPT2) ? "hf-gpt2-reference.safetensors" : "tl-reference.safetensors";
        return SafetensorsReader.readAll(path(file));
    }

    /** The reference's token ids as an int64 {@code [batch, pos]} array. */
    static NDArray tokens(Map<String, NamedTensor> reference, NDManager manager) {
        NamedTensor tokens = reference.get("tokens");
        long[] ids = new long[tokens.values().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (long) tokens.values()[i];
        }
        return manager.create(ids, new Shape(tokens.shape()));
    }
}
