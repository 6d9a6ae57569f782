package dev.saesplit.track;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saesplit.spec.CacheDtype;
import dev.saesplit.spec.WeightProcessing;
import dev.saesplit.text.Redaction;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The params a tracked run carries: for the experiment's parent run, every field of the spec but the run
 * table; for a row, every configuration field of the row plus the experiment-wide fields that shape it.
 * Nested fields are flattened with dots ({@code training.batch_size}); lists become their JSON.
 */
final class RunParams {

    /** Spec fields every row's training depends on. */
    private static final Set<String> ROW_WIDE = Set.of("filter_threshold", "target_latent", "training");
    private static final String WEIGHT_PROCESSING = "weight_processing";
    private static final String CACHE_DTYPE = "cache_dtype";
    /** MLflow's limit on a param value. */
    private static final int MAX_VALUE = 6000;

    private RunParams() {
    }

    static Map<String, String> parent(JsonNode spec) {
        Map<String, String> params = flatten(spec, key -> !under(key, "runs"));
        // The spec's JSON leaves out the default weight processing and cache dtype (so older specs keep their
        // fingerprints), but which activations an SAE saw depends on them, so a model source always names them.
        if ("model".equals(params.get("activations.type"))) {
            params.putIfAbsent("activations." + WEIGHT_PROCESSING, WeightProcessing.NONE.specName());
            params.putIfAbsent("activations." + CACHE_DTYPE, CacheDtype.FLOAT32.specName());
        }
        return params;
    }

    static Map<String, String> row(JsonNode spec, Map<String, String> rowConfig) {
        Map<String, String> params = new LinkedHashMap<>(rowConfig);
        params.putAll(flatten(spec, key -> ROW_WIDE.stream().anyMatch(field -> under(key, field))));
        return params;
    }

    private static Map<String, String> flatten(JsonNode node, Predicate<String> keep) {
        Map<String, String> flat = new LinkedHashMap<>();
        flattenInto("", node, flat);
        flat.keySet().removeIf(keep.negate());
        return flat;
    }

    private static void flattenInto(String prefix, JsonNode node, Map<String, String> into) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                flattenInto(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
            }
            return;
        }
        // Parameters are visible to everyone who can read the MLflow server; a URL in the spec may hold a password.
        String value = Redaction.redact(node.isValueNode() ? node.asText() : node.toString());
        into.put(prefix, value.length() > MAX_VALUE ? value.substring(0, MAX_VALUE) : value);
    }

    private static boolean under(String key, String field) {
        return key.equals(field) || key.startsWith(field + ".");
    }
}
