package dev.saesplit.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A content hash of what a spec means, not how it is written: comments, key order and spellings such as
 * {@code 2B} vs {@code 2000000000} do not change it.
 */
public final class SpecFingerprint {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY).build();

    private SpecFingerprint() {
    }

    /** SHA-256 of the spec's canonical JSON, in hex. */
    public static String of(ExperimentSpec spec) {
        try {
            byte[] canonical = CANONICAL.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint spec " + spec.name(), e);
        }
    }
}
