package dev.saesplit.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads fields of a model's {@code config.json}, turning every problem into a {@link ModelConfigException}. */
final class ConfigJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A model config is a few hundred bytes of settings; anything near this is not one. */
    static final int MAX_CONFIG_BYTES = 1 << 20;

    private final Path file;
    private final JsonNode root;

    private ConfigJson(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static ConfigJson read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(RegularFiles.read(file, MAX_CONFIG_BYTES));
        } catch (NoSuchFileException e) {
            throw new ModelConfigException(file, "file", "does not exist; a model needs its config.json beside "
                    + "the weights", e);
        } catch (UnreadableFileException e) {
            throw new ModelConfigException(file, "file", e.problem().replace("such a file", "a model config"), e);
        } catch (JsonProcessingException e) {
            throw new ModelConfigException(file, "content", "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException(file, "content", "is not a JSON object");
        }
        return new ConfigJson(file, root);
    }

    Path file() {
        return file;
    }

    boolean has(String field) {
        return root.has(field);
    }

    /** Whether the field is present with a value other than JSON null. */
    boolean hasValue(String field) {
        return root.hasNonNull(field);
    }

    JsonNode get(String field) {
        return root.get(field);
    }

    int positiveInt(String field) {
        JsonNode value = root.get(field);
        if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
            throw fail(field, "missing or not a positive integer: " + value);
        }
        return value.asInt();
    }

    double positiveNumber(String field, double fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || !(value.asDouble() > 0)) {
            throw fail(field, "not a positive number: " + value);
        }
        return value.asDouble();
    }

    String text(String field, String fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw fail(field, "not a string: " + value);
        }
        return value.asText();
    }

    /** A JSON boolean; {@code fallback} when absent or null, and absence is an error when it is {@code null}. */
    boolean bool(String field, Boolean fallback) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw fail(field, "missing; true or false is needed");
            }
            return fallback;
        }
        if (!value.isBoolean()) {
            throw fail(field, "not true or false: " + value);
        }
        return value.asBoolean();
    }

    ActivationFunction activation(String field) {
        String name = text(field, null);
        if (name == null) {
            throw fail(field, "missing; one of " + ActivationFunction.configNames() + " is needed");
        }
        return ActivationFunction.fromConfigName(name).orElseThrow(() -> fail(field, "'" + name
                + "' is not implemented; supported: " + ActivationFunction.configNames()));
    }

    ModelConfigException fail(String field, String problem) {
        return new ModelConfigException(file, field, problem);
    }
}
