package dev.saesplit.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import dev.saesplit.digest.Sha256;

/**
 * A content hash of what a spec means, not how it is written: comments, key order and spellings such as
 * {@code 2B} vs {@code 2000000000} do not change it.
 */
public final class SpecFingerprint {

    /** Sorted keys, and the YAML's snake_case field names, so the JSON reads like the spec. */
    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    private SpecFingerprint() {
    }

    /** SHA-256 of the spec's canonical JSON, in hex. */
    public static String of(ExperimentSpec spec) {
        return Sha256.ofText(canonicalJson(spec));
    }

    /** The spec as JSON with sorted keys: what it means, independent of how its YAML was written. */
    public static String canonicalJson(ExperimentSpec spec) {
        try {
            return CANONICAL.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise spec " + spec.name(), e);
        }
    }
}
