package dev.saesplit.lm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The tensors a checkpoint must hold for one config: each required name with its exact shape, optional names
 * that are read when present, and buffers that may be present and are skipped. Anything else is an error, so
 * a file for a different model is never half-loaded.
 *
 * @param required   name to shape, in the order they are read
 * @param optional   name to shape, read when present
 * @param skipped    names of known buffers that carry no weights (e.g. TransformerLens's attention masks)
 * @param configFile the config the shapes come from, for messages
 */
record ExpectedTensors(Map<String, long[]> required, Map<String, long[]> optional, Predicate<String> skipped,
                       String configFile) {

    private static final int NAMES_IN_MESSAGE = 8;

    /** Checks {@code source}'s names and shapes, then reads every required and present optional tensor. */
    Map<String, float[]> readFrom(TensorSource source) {
        Map<String, long[]> present = source.shapes();
        List<String> missing = new ArrayList<>();
        required.keySet().stream().filter(name -> !present.containsKey(name)).forEach(missing::add);
        if (!missing.isEmpty()) {
            throw new ModelWeightsException(source.file(), ModelWeightsException.tensor(missing.get(0)),
                    "missing; " + configFile + " implies shape " + Arrays.toString(required.get(missing.get(0)))
                            + describeOthers("missing", missing));
        }
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : present.entrySet()) {
            String name = entry.getKey();
            long[] expected = required.containsKey(name) ? required.get(name) : optional.get(name);
            if (expected != null && !Arrays.equals(expected, entry.getValue())) {
                throw new ModelWeightsException(source.file(), ModelWeightsException.tensor(name), "has shape "
                        + Arrays.toString(entry.getValue()) + " but " + configFile + " implies "
                        + Arrays.toString(expected));
            }
            if (expected == null && !skipped.test(name)) {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new ModelWeightsException(source.file(), ModelWeightsException.tensor(unexpected.get(0)),
                    "is not a tensor of the model " + configFile + " describes"
                            + describeOthers("unexpected", unexpected));
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String name : required.keySet()) {
            values.put(name, source.read(name));
        }
        for (String name : optional.keySet()) {
            if (present.containsKey(name)) {
                values.put(name, source.read(name));
            }
        }
        return values;
    }

    private static String describeOthers(String what, List<String> names) {
        if (names.size() == 1) {
            return "";
        }
        List<String> shown = names.subList(1, Math.min(names.size(), NAMES_IN_MESSAGE));
        return " (" + (names.size() - 1) + " more " + what + ": " + shown + (names.size() > NAMES_IN_MESSAGE
                ? ", ...)" : ")");
    }
}
