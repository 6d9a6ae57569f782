package dev.saesplit.activations;

import dev.saesplit.spec.ActivationSourceSpec;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * A {@code source: model} spec over the committed fixtures: the 2-layer parity model (d_model 64, n_ctx 32), the
 * 300-token BPE tokenizer and a small JSONL corpus of hyphenated phrases.
 */
public final class FixtureModelSpec {

    public static final int CONTEXT = 16;

    private FixtureModelSpec() {
    }

    /** Caches {@code tokens} tokens at {@code hook}, {@code batch} contexts per forward pass. */
    public static ActivationSourceSpec.Model of(String hook, long tokens, int batch) {
        return new ActivationSourceSpec.Model("parity-gelu-2l", resource("lm/tl-safetensors"),
                resource("lm/tokens/tokenizer.json").toString(), "hyphens.jsonl", resource("lm/corpus/hyphens.jsonl"),
                hook, CONTEXT, true, false, tokens, batch);
    }

    public static ActivationSourceSpec.Model mlpOut(long tokens) {
        return of("blocks.0.hook_mlp_out", tokens, 8);
    }

    /** The same spec streamed, with the default buffer, instead of cached. */
    public static ActivationSourceSpec.Model streamed(ActivationSourceSpec.Model cached) {
        return cached.withStreaming(new ActivationSourceSpec.Streaming(
                ActivationSourceSpec.Streaming.DEFAULT_BUFFER_TOKENS));
    }

    public static Path resource(String name) {
        URL url = FixtureModelSpec.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
