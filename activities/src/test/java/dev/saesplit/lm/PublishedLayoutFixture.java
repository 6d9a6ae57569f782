package dev.saesplit.lm;

import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.sae.safetensors.SafetensorsReader;
import dev.saesplit.sae.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The committed parity model (2 layers, d_model 64) rewritten in the layout gelu-1l is published in: the training
 * run's own config keys (as Neel Nanda's solu_project writes them) and weights without {@code unembed.b_U}.
 */
public final class PublishedLayoutFixture {

    /** The parity model's architecture under the published config's keys, beside settings TransformerLens ignores. */
    public static final String CONFIG = """
            {"act_fn": "gelu", "attn_only": false, "d_head": 16, "d_mlp": %d, "d_model": 64, "d_vocab": 512,
             "n_ctx": 32, "n_heads": 4, "n_layers": 2, "normalization": "LN", "shortformer_pos": false,
             "ln_eps": 1e-5, "lr": 0.001, "batch_size": 32, "n_devices": 8}""";

    private PublishedLayoutFixture() {
    }

    /** The parity model in {@code folder} without {@code unembed.b_U}. */
    public static Path write(Path folder) {
        return write(folder, Set.of(TransformerLensLayout.B_U), 256);
    }

    /**
     * The parity model in {@code folder} without the tensors {@code left out}, its config claiming {@code dMlp}
     * (the weights' is 256).
     */
    public static Path write(Path folder, Set<String> leftOut, int dMlp) {
        Path source = LmFixture.path(LmFixture.TL_SAFETENSORS).resolve("model.safetensors");
        try {
            Files.createDirectories(folder);
            List<NamedTensor> kept = new ArrayList<>(SafetensorsReader.readAll(source).values());
            kept.removeIf(tensor -> leftOut.contains(tensor.name()));
            SafetensorsWriter.write(folder.resolve("model.safetensors"), kept);
            Files.writeString(folder.resolve("config.json"), CONFIG.formatted(dMlp));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return folder;
    }
}
