package dev.saesplit.lm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The tensors a checkpoint must hold for one config: each required name with its exact shape, optional names
 * that are read when present, and buffers that may be present and are skipped. Anything else is an error, so
 * a file for a different model is never half-loaded. A required tensor that {@code zeroFilled} accepts may be
 * absent and is then all zeros, as TransformerLens's {@code fill_missing_keys} fills a missing bias.
 *
 * @param required   name to shape, in the order they are read
 * @param optional   name to shape, read when present
 * @param skipped    names of known buffers that carry no weights (e.g. TransformerLens's attention masks)
 * @param zeroFilled required names that are zeros when absent
 * @param configFile the config the shapes come from, for messages
 */
record ExpectedTensors(Map<String, long[]> required, Map<String, long[]> optional, Predicate<String> skipped,
                       Predicate<String> zeroFilled, String configFile) {

    private static final int NAMES_IN_MESSAGE = 8;

    /**
     * Checks names and shapes as a file's header states them, without reading any values: what {@link #readFrom}
     * would refuse is refused here with the same message.
     *
     * @return the required tensors that are absent and will be zeros, in canonical order
     */
    List<String> check(Path file, Map<String, long[]> present) {
        List<String> missing = new ArrayList<>();
        List<String> filled = new ArrayList<>();
        for (String name : required.keySet()) {
            if (!present.containsKey(name)) {
                (zeroFilled.test(name) ? filled : missing).add(name);
            }
        }
        if (!missing.isEmpty()) {
            boolean fillsBiases = required.keySet().stream().anyMatch(zeroFilled);
            throw new ModelWeightsException(file, ModelWeightsException.tensor(missing.get(0)),
                    "missing; " + configFile + " implies shape " + Arrays.toString(required.get(missing.get(0)))
                            + (fillsBiases ? " and only a missing bias is filled with zeros" : "")
                            + describeOthers("missing", missing));
        }
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, long[]> entry : present.entrySet()) {
            String name = entry.getKey();
            long[] expected = required.containsKey(name) ? required.get(name) : optional.get(name);
            if (expected != null && !Arrays.equals(expected, entry.getValue())) {
                throw new ModelWeightsException(file, ModelWeightsException.tensor(name), "has shape "
                        + Arrays.toString(entry.getValue()) + " but " + configFile + " implies "
                        + Arrays.toString(expected));
            }
            if (expected == null && !skipped.test(name)) {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new ModelWeightsException(file, ModelWeightsException.tensor(unexpected.get(0)),
                    "is not a tensor of the model " + configFile + " describes"
                            + describeOthers("unexpected", unexpected));
        }
        return filled;
    }

    /** Whether {@link #readFrom} reads the file's tensor {@code name} (a required or an optional one). */
    boolean reads(String name) {
        return required.containsKey(name) || optional.containsKey(name);
    }

    /**
     * Checks {@code source}'s names and shapes ({@link #check}), then reads every required and present optional
     * tensor; a zero-filled one is an array of zeros.
     */
    Map<String, float[]> readFrom(TensorSource source) {
        Map<String, long[]> present = source.shapes();
        check(source.file(), present);
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String name : required.keySet()) {
            values.put(name, present.containsKey(name) ? source.read(name) : new float[elements(required.get(name))]);
        }
        for (String name : optional.keySet()) {
            if (present.containsKey(name)) {
                values.put(name, source.read(name));
            }
        }
        return values;
    }

    private static int elements(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return Math.toIntExact(count);
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
