package dev.saesplit.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A spec's YAML composed once into Jackson's tree, with the location of every field recorded on the way.
 * Anchors, aliases and merge keys ({@code <<: *defaults}) are expanded here, within limits that keep an
 * alias bomb from exhausting memory. Duplicate keys and further documents are errors: YAML parsers
 * otherwise keep the last key or the first document silently, and a spec that means two things is wrong.
 *
 * @param root      the document's tree
 * @param locations where each field is, by path
 */
record YamlTree(JsonNode root, YamlLocations locations) {

    /** Values the expanded tree may hold: far beyond any real spec, far below an alias bomb's billions. */
    static final int MAX_VALUES = 200_000;
    /** Nesting of lists and mappings, counted after aliases are expanded. */
    static final int MAX_DEPTH = 64;
    /**
     * SnakeYAML's count of aliases to lists and mappings. It guards its constructor, which copies what an
     * alias names; composition shares the node instead, and {@link #MAX_VALUES} bounds the expansion here,
     * located, so this only has to stay out of the way.
     */
    private static final int MAX_COLLECTION_ALIASES = MAX_VALUES;
    /** Tags a spec's values may carry; anything else ({@code !!python/object}, {@code !!binary}) is refused. */
    private static final Set<Tag> KNOWN_TAGS = Set.of(Tag.STR, Tag.INT, Tag.FLOAT, Tag.BOOL, Tag.NULL,
            Tag.TIMESTAMP, Tag.MERGE, Tag.MAP, Tag.SEQ);

    /** Composes {@code text}, the whole of the file {@code fileName}. */
    static YamlTree compose(String text, String fileName) throws SpecValidationException {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH + 1); // DepthLimitedComposer reports it first, located
        options.setAllowRecursiveKeys(false);
        ParserImpl parser = new ParserImpl(new StreamReader(text), options);
        Composer composer = new DepthLimitedComposer(parser, options);
        Node document;
        Event next;
        try {
            document = composer.checkNode() ? composer.getNode() : null;
            next = parser.peekEvent();
        } catch (MarkedYAMLException e) {
            throw syntaxError(fileName, e, text);
        } catch (TooDeep e) {
            throw single(fileName, e.at.getLine() + 1, e.at.getColumn() + 1, "lists and mappings nest deeper "
                    + "than " + MAX_DEPTH + " levels here");
        } catch (YAMLException e) {
            throw single(fileName, 0, 0, "cannot be read as YAML: " + e.getMessage());
        }
        if (document == null) {
            throw single(fileName, 0, 0, "the file is empty; an experiment spec needs at least name, activations, "
                    + "narrow_sae, target_latent and runs");
        }
        if (next != null && next.is(Event.ID.DocumentStart)) {
            Mark at = next.getStartMark();
            throw single(fileName, at.getLine() + 1, at.getColumn() + 1, "a second YAML document starts here; "
                    + "a spec is one document (remove the '---' and what follows, or split the file)");
        }
        Builder builder = new Builder(fileName);
        JsonNode root = builder.tree(document);
        if (!builder.problems.isEmpty()) {
            // An alias repeats its node's problems at every use; each is worth reading once.
            throw new SpecValidationException(List.copyOf(new LinkedHashSet<>(builder.problems)));
        }
        return new YamlTree(root, builder.locations);
    }

    /**
     * A syntax error at its mark. One found only at the end of the file (an unclosed {@code [}) is placed
     * on the file's last character instead, which is nearer the fix than the empty line after it.
     */
    private static SpecValidationException syntaxError(String fileName, MarkedYAMLException e, String text) {
        Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? "" : e.getProblem().strip();
        String context = e.getContext() == null ? "" : e.getContext().strip();
        String message = "not valid YAML: " + (context.isEmpty() ? problem : problem + " (" + context + ")");
        String content = text.stripTrailing();
        if (!content.isEmpty() && (at == null || at.getIndex() >= content.length())) {
            int[] last = SpecText.positionAfter(content.substring(0, content.length() - 1));
            return single(fileName, last[0], last[1], message + " at the end of the file");
        }
        return at == null ? single(fileName, 1, 1, message) : single(fileName, at.getLine() + 1, at.getColumn() + 1, message);
    }

    private static SpecValidationException single(String fileName, int line, int column, String message) {
        return new SpecValidationException(List.of(new SpecProblem(fileName, line, column, "", message)));
    }

    /** SnakeYAML's composer, stopping at the list or mapping that nests too deep and saying where it starts. */
    private static final class DepthLimitedComposer extends Composer {

        private int depth;

        DepthLimitedComposer(ParserImpl parser, LoaderOptions options) {
            super(parser, new Resolver(), options);
        }

        @Override
        protected Node composeSequenceNode(String anchor) {
            return nested(() -> super.composeSequenceNode(anchor));
        }

        @Override
        protected Node composeMappingNode(String anchor) {
            return nested(() -> super.composeMappingNode(anchor));
        }

        /** Composes one level deeper, refusing the level past {@code MAX_DEPTH} before reading it. */
        private Node nested(Supplier<Node> compose) {
            if (++depth > MAX_DEPTH) {
                throw new TooDeep(parser.peekEvent().getStartMark());
            }
            try {
                return compose.get();
            } finally {
                depth--;
            }
        }
    }

    private static final class TooDeep extends RuntimeException {
        final transient Mark at;

        TooDeep(Mark at) {
            super(null, null, false, false);
            this.at = at;
        }
    }

    /** Stops the expansion of a document that has grown past a limit; already recorded as a problem. */
    private static final class TooLarge extends RuntimeException {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    /** One conversion: the problems found, the locations recorded and the guards against expansion. */
    private static final class Builder {

        private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

        final String fileName;
        final List<SpecProblem> problems = new ArrayList<>();
        final YamlLocations locations = new YamlLocations();
        private final Map<Node, Boolean> expanding = new IdentityHashMap<>();
        private int values;

        Builder(String fileName) {
            this.fileName = fileName;
        }

        JsonNode tree(Node document) {
            locations.record("", line(document), column(document));
            try {
                return convert(document, "", 0);
            } catch (TooLarge e) {
                return NODES.nullNode();
            }
        }

        private JsonNode convert(Node node, String path, int depth) {
            if (!KNOWN_TAGS.contains(node.getTag())) {
                problem(node, path, "the YAML tag " + node.getTag() + " is not supported in a spec");
                return NODES.nullNode();
            }
            if (++values > MAX_VALUES) {
                problem(node, path, "the document holds more than " + MAX_VALUES + " values once its aliases "
                        + "are expanded; a spec never needs that many (an alias bomb?)");
                throw new TooLarge();
            }
            if (depth > MAX_DEPTH) {
                problem(node, path, "lists and mappings nest deeper than " + MAX_DEPTH + " levels once aliases "
                        + "are expanded");
                throw new TooLarge();
            }
            if (node instanceof ScalarNode scalar) {
                locations.recordSpelling(path, scalar.getValue());
                return YamlScalars.toJson(scalar);
            }
            if (expanding.put(node, Boolean.TRUE) != null) {
                problem(node, path, "an alias refers to a list or mapping that contains it, which has no end");
                return NODES.nullNode();
            }
            try {
                return node instanceof SequenceNode sequence ? sequence(sequence, path, depth)
                        : mapping((MappingNode) node, path, depth);
            } finally {
                expanding.remove(node);
            }
        }

        private ArrayNode sequence(SequenceNode sequence, String path, int depth) {
            ArrayNode array = NODES.arrayNode();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                String item = path + "[" + i + "]";
                locations.record(item, line(items.get(i)), column(items.get(i)));
                array.add(convert(items.get(i), item, depth + 1));
            }
            return array;
        }

        /** Explicit keys first; merged mappings ({@code <<}) then fill only the keys still absent, as YAML says. */
        private ObjectNode mapping(MappingNode mapping, String path, int depth) {
            ObjectNode object = NODES.objectNode();
            Map<String, Node> firstKeys = new HashMap<>();
            List<Node> merged = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof ScalarNode key)) {
                    problem(keyNode, path, "a key must be plain text, not a list or mapping");
                    continue;
                }
                if (key.getTag().equals(Tag.MERGE)) {
                    merged.addAll(mergeSources(tuple.getValueNode(), path));
                    continue;
                }
                String name = key.getValue();
                String field = SpecNodeReader.path(path, name);
                Node first = firstKeys.putIfAbsent(name, key);
                if (first != null) {
                    problem(key, field, "duplicate key '" + name + "' (first at line " + line(first)
                            + "); YAML would silently keep only the last");
                    continue;
                }
                locations.record(field, line(key), column(key));
                object.set(name, convert(tuple.getValueNode(), field, depth + 1));
            }
            for (Node source : merged) {
                JsonNode defaults = convert(source, path, depth + 1);
                defaults.properties().forEach(entry -> {
                    if (!object.has(entry.getKey())) {
                        object.set(entry.getKey(), entry.getValue());
                    }
                });
            }
            return object;
        }

        /** The mappings a merge key names: one mapping, or a list of them (earlier ones win). */
        private List<Node> mergeSources(Node value, String path) {
            if (value instanceof MappingNode) {
                return List.of(value);
            }
            if (value instanceof SequenceNode sequence
                    && sequence.getValue().stream().allMatch(item -> item instanceof MappingNode)) {
                return sequence.getValue();
            }
            problem(value, SpecNodeReader.path(path, "<<"), "a merge key takes a mapping or a list of mappings "
                    + "(e.g. <<: *defaults)");
            return List.of();
        }

        private void problem(Node node, String path, String message) {
            problems.add(new SpecProblem(fileName, line(node), column(node), path, message));
        }

        private static int line(Node node) {
            return node.getStartMark().getLine() + 1;
        }

        private static int column(Node node) {
            return node.getStartMark().getColumn() + 1;
        }
    }
}
