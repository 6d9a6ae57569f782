package dev.saesplit.spec;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Line and column of every field and list element of a spec, keyed by the same paths
 * {@link SpecNodeReader} reports ({@code runs[2].width}), and the exact spelling of every scalar (so a
 * message can quote {@code .nan} as the user wrote it). Filled by {@link YamlTree} while it builds the tree,
 * from the same parse.
 */
final class YamlLocations {

    private final Map<String, int[]> positions = new HashMap<>();
    private final Map<String, String> spellings = new HashMap<>();

    /** Records where {@code path} starts (1-based); the first record of a path wins. */
    void record(String path, int line, int column) {
        positions.putIfAbsent(path, new int[] {line, column});
    }

    void recordSpelling(String path, String text) {
        spellings.putIfAbsent(path, text);
    }

    /**
     * {@code {line, column}} of {@code path}, or of its nearest located ancestor, so that a missing field is
     * reported where its parent mapping is; the document's start for a missing top-level field.
     */
    int[] find(String path) {
        String probe = path;
        while (true) {
            int[] found = positions.get(probe);
            if (found != null) {
                return found;
            }
            if (probe.isEmpty()) {
                return new int[] {0, 0};
            }
            int cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
            probe = cut <= 0 ? "" : probe.substring(0, cut);
        }
    }

    /** The scalar at {@code path} exactly as written, if it was a scalar. */
    Optional<String> spelling(String path) {
        return Optional.ofNullable(spellings.get(path));
    }
}
