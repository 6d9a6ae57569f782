package dev.saesplit.files;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The one reader of an SAE's JSON config (SAELens's {@code cfg.json}, 1L-Sparse-Autoencoder's {@code N_cfg.json}):
 * the spec parser reads the width from it before a run starts, and the SAE formats read the whole config when they
 * load the weights. Both refuse the same files for the same reasons; the parser words a refusal as a spec problem,
 * the formats as a corrupt artifact.
 */
public final class SaeConfigJson {

    /** An SAE config is a few hundred bytes. */
    public static final int MAX_BYTES = 1 << 20;

    /** Which part of the config is wrong. */
    public enum Part {
        /** There is no file. */
        MISSING,
        /** The file is not a regular file of at most {@link #MAX_BYTES}. */
        FILE,
        /** The bytes are not one JSON object. */
        CONTENT
    }

    /** Why a config cannot be read: which part is wrong, and the problem without the file name. */
    public static final class Refusal extends Exception {

        private final Part part;
        private final String problem;

        Refusal(Part part, String problem, Throwable cause) {
            super(part + ": " + problem, cause);
            this.part = part;
            this.problem = problem;
        }

        public Part part() {
            return part;
        }

        public String problem() {
            return problem;
        }
    }

    private SaeConfigJson() {
    }

    /**
     * The JSON object in {@code cfgFile}, parsed with {@code json} (whose features decide, for example, whether
     * Python's {@code NaN} is accepted).
     *
     * @throws Refusal     when the file is missing, not a regular file of at most {@link #MAX_BYTES}, or not one
     *                     JSON object
     * @throws IOException when the file cannot be read
     */
    public static JsonNode readObject(Path cfgFile, ObjectMapper json) throws Refusal, IOException {
        JsonNode cfg;
        try {
            cfg = json.readTree(RegularFiles.read(cfgFile, MAX_BYTES));
        } catch (NoSuchFileException e) {
            throw new Refusal(Part.MISSING, "not found", e);
        } catch (UnreadableFileException e) {
            throw new Refusal(Part.FILE, e.problem().replace("such a file", "an SAE config"), e);
        } catch (JsonProcessingException e) {
            throw new Refusal(Part.CONTENT, "is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (cfg == null || !cfg.isObject()) {
            throw new Refusal(Part.CONTENT, "is not a JSON object (a mapping of config keys)", null);
        }
        return cfg;
    }

    /**
     * {@code field} as a whole number from 1 to 2^31 - 1, or empty when it is missing or anything else:
     * {@code 32.9} is not one, though Jackson would round it.
     */
    public static OptionalInt positiveInt(JsonNode cfg, String field) {
        JsonNode value = cfg.get(field);
        return value != null && value.isIntegralNumber() && value.canConvertToInt() && value.intValue() > 0
                ? OptionalInt.of(value.intValue()) : OptionalInt.empty();
    }
}
