package dev.saesplit.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.saesplit.digest.Sha256;

import java.util.List;

/**
 * The content key of an activity's output: a hash of everything that determines it — the stage, the stage's
 * code version (bumped when its numerics change), and its inputs (configuration records and the content
 * hashes of input artifacts). Equal keys mean interchangeable outputs.
 */
public final class OutputKey {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

    private OutputKey() {
    }

    /** 32 hex digits of SHA-256 over the canonical JSON of {@code [stage, codeVersion, inputs...]}. */
    public static String of(String stage, int codeVersion, Object... inputs) {
        try {
            String json = CANONICAL.writeValueAsString(List.of(stage, codeVersion, List.of(inputs)));
            return Sha256.ofText(json).substring(0, 32);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot derive the output key of " + stage, e);
        }
    }
}
