package dev.saesplit.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Line and column of every field and list element of a YAML document, keyed by the same paths
 * {@link SpecNodeReader} reports ({@code runs[2].width}). Jackson's tree model drops locations, so one
 * streaming pass records them.
 */
final class YamlLocations {

    private final Map<String, int[]> positions = new HashMap<>();

    private YamlLocations() {
    }

    static YamlLocations index(String yaml) throws IOException {
        YamlLocations index = new YamlLocations();
        Deque<Container> stack = new ArrayDeque<>();
        try (JsonParser parser = new YAMLFactory().createParser(yaml)) {
            JsonToken token;
            String pendingField = null;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    stack.pop();
                    continue;
                }
                Container parent = stack.peek();
                if (token == JsonToken.FIELD_NAME) {
                    pendingField = parser.currentName();
                    index.record(child(parent, pendingField), parser.currentTokenLocation());
                    continue;
                }
                String path = "";
                if (parent != null && parent.isArray) {
                    path = parent.path + "[" + parent.nextIndex++ + "]";
                    index.record(path, parser.currentTokenLocation());
                } else if (parent != null) {
                    path = child(parent, pendingField);
                }
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    stack.push(new Container(path, token == JsonToken.START_ARRAY));
                }
            }
        }
        return index;
    }

    /** {@code {line, column}} of {@code path}, or of its nearest located ancestor; {@code {0, 0}} if none. */
    int[] find(String path) {
        String probe = path;
        while (!probe.isEmpty()) {
            int[] found = positions.get(probe);
            if (found != null) {
                return found;
            }
            int cut = Math.max(probe.lastIndexOf('.'), probe.lastIndexOf('['));
            probe = cut <= 0 ? "" : probe.substring(0, cut);
        }
        return new int[] {0, 0};
    }

    private void record(String path, JsonLocation location) {
        positions.putIfAbsent(path, new int[] {location.getLineNr(), location.getColumnNr()});
    }

    private static String child(Container parent, String field) {
        return parent == null || parent.path.isEmpty() ? field : parent.path + "." + field;
    }

    private static final class Container {
        final String path;
        final boolean isArray;
        int nextIndex;

        Container(String path, boolean isArray) {
            this.path = path;
            this.isArray = isArray;
        }
    }
}
