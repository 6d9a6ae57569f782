package dev.saesplit.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.saesplit.files.SaeConfigJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The number of latents of an SAE a spec names by path, read from its config when the spec is parsed, so the
 * width and target-latent checks can run before anything starts: a SAELens directory's {@code cfg.json}
 * ({@code d_sae}), or the {@code N_cfg.json} beside a 1L-Sparse-Autoencoder {@code N.pt} ({@code dict_size}, or
 * {@code act_size × dict_mult}). The weights themselves are checked by {@code validate}'s artifact check.
 */
final class SavedSaeWidth {

    /** The weights file an SAE directory must hold beside {@code cfg.json} (SAELens layout). */
    static final String WEIGHTS_FILE = "sae_weights.safetensors";
    static final String NEEL_WEIGHTS_SUFFIX = ".pt";
    static final String NEEL_CONFIG_SUFFIX = "_cfg.json";

    /** Python's json.dump writes NaN for a float that is one; a config holding one is still a config. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private final SpecNodeReader r;

    SavedSaeWidth(SpecNodeReader r) {
        this.r = r;
    }

    /** The config file of the SAE at {@code path}, as messages name it. */
    static Path configOf(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        return isNeelFile(path) ? path.resolveSibling(name.substring(0, name.length()
                - NEEL_WEIGHTS_SUFFIX.length()) + NEEL_CONFIG_SUFFIX) : path.resolve("cfg.json");
    }

    static boolean isNeelFile(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().endsWith(NEEL_WEIGHTS_SUFFIX) && !Files.isDirectory(path);
    }

    /** The SAE's width, or 0 after recording at {@code p} why there is none. */
    int of(Path path, String p) {
        if (isNeelFile(path)) {
            return r.regularFile(path, p) ? neelWidth(configOf(path), p) : 0;
        }
        if (!Files.isDirectory(path)) {
            r.problem(p, Files.exists(path) ? "expected an SAE directory holding cfg.json and " + WEIGHTS_FILE
                    + ", or a .pt file with its " + NEEL_CONFIG_SUFFIX + " beside it, but " + path
                    + " is neither" : "not found: " + path);
            return 0;
        }
        if (!r.regularFile(path.resolve(WEIGHTS_FILE), p)) {
            return 0;
        }
        JsonNode cfg = config(path.resolve("cfg.json"), p, "the SAE directory has no cfg.json");
        return cfg == null ? 0 : positive(cfg, "d_sae", path.resolve("cfg.json"), p);
    }

    private int neelWidth(Path cfgFile, String p) {
        JsonNode cfg = config(cfgFile, p, "a 1L-Sparse-Autoencoder SAE keeps its config beside it");
        if (cfg == null) {
            return 0;
        }
        if (cfg.hasNonNull("dict_size")) {
            return positive(cfg, "dict_size", cfgFile, p);
        }
        int actSize = positive(cfg, "act_size", cfgFile, p);
        int mult = actSize == 0 ? 0 : positive(cfg, "dict_mult", cfgFile, p);
        long width = (long) actSize * mult;
        if (width > Integer.MAX_VALUE) {
            r.problem(p, cfgFile + ": act_size × dict_mult is " + width + ", more latents than an SAE can have");
            return 0;
        }
        return (int) width;
    }

    /** The JSON object in {@code cfgFile}, or null after recording why there is none. */
    private JsonNode config(Path cfgFile, String p, String whenMissing) {
        try {
            return SaeConfigJson.readObject(cfgFile, JSON);
        } catch (SaeConfigJson.Refusal e) {
            r.problem(p, switch (e.part()) {
                case MISSING -> whenMissing + ": " + cfgFile + " not found";
                case FILE -> cfgFile + ": " + e.problem();
                case CONTENT -> cfgFile + " " + e.problem();
            });
        } catch (IOException e) {
            r.problem(p, "cannot read " + cfgFile + ": " + e.getMessage());
        }
        return null;
    }

    /** {@code field} as a whole number from 1 to 2^31 - 1, or 0 after recording why it is none. */
    private int positive(JsonNode cfg, String field, Path cfgFile, String p) {
        OptionalInt value = SaeConfigJson.positiveInt(cfg, field);
        if (value.isPresent()) {
            return value.getAsInt();
        }
        JsonNode d = cfg.get(field);
        r.problem(p, cfgFile + " has no positive whole-number " + field + " (got "
                + (d == null ? "nothing" : SpecNodeReader.describe(d)) + ")");
        return 0;
    }
}
