package dev.saesplit.sae;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saesplit.artifact.ArtifactCorruptException;
import dev.saesplit.files.SaeConfigJson;

import java.nio.file.Path;

/**
 * Typed fields of an SAE's JSON config (SAELens's {@code cfg.json}, Neel Nanda's {@code N_cfg.json}), each refused
 * with the file and field named. A config is a user's file: a message shows a value's kind and, for a short
 * scalar, the value, never a long string or a nested document.
 */
final class SaeConfigFields {

    private SaeConfigFields() {
    }

    /** A whole number from 1 to 2^31 - 1; {@code 32.9} is not one, though Jackson would round it. */
    static int positiveInt(JsonNode cfg, String field, Path cfgFile) {
        return SaeConfigJson.positiveInt(cfg, field).orElseThrow(() -> new ArtifactCorruptException(cfgFile, field,
                "missing or not a positive whole number: " + describe(cfg.get(field))));
    }

    static String text(JsonNode cfg, String field, String absent, Path cfgFile) {
        JsonNode value = cfg.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isTextual()) {
            throw new ArtifactCorruptException(cfgFile, field, "expected a string, got " + describe(value));
        }
        return value.textValue();
    }

    static boolean optionalBoolean(JsonNode cfg, String field, boolean absent, Path cfgFile) {
        JsonNode value = cfg.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new ArtifactCorruptException(cfgFile, field, "expected true or false, got " + describe(value));
        }
        return value.booleanValue();
    }

    /** A value's kind and, for a short scalar, the value: never a long string or a whole nested document. */
    static String describe(JsonNode value) {
        if (value == null) {
            return "nothing";
        }
        if (value.isContainerNode()) {
            return "a JSON " + (value.isArray() ? "list" : "object");
        }
        String text = value.toString();
        return text.length() <= 40 ? text : value.getNodeType().name().toLowerCase() + " of " + text.length()
                + " characters";
    }
}
