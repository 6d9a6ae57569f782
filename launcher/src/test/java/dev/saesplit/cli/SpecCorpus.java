package dev.saesplit.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static dev.saesplit.cli.CorpusYaml.map;

/**
 * Generates, at test time, spec files that break the spec grammar in every way the parser must survive:
 * wrong types, out-of-range and non-finite numbers, blank text, overflowing token counts, duplicate keys,
 * several documents, malformed YAML, alias bombs, huge scalars, bad encodings and control characters; and the
 * valid spellings users rely on (block and flow styles, anchors, merge keys, comments, BOM, CRLF).
 */
final class SpecCorpus {

    /** Token counts that must be refused: zero, negative, past 10^13, not numbers. */
    static final String[] BAD_TOKENS = {"0", "-1", "99999999999B", "10000000000001", "20000000000k",
            "1" + "0".repeat(400), "1e400", "\"10 q\"", ".inf", ".nan", "\"\"", "[1]", "1.5", "10k5", "-5k"};

    private final Path dir;
    private final List<CorpusCase> cases = new ArrayList<>();
    private int serial;

    SpecCorpus(Path dir) {
        this.dir = dir;
    }

    /** The tiny synthetic experiment every mutation starts from; valid in each style. */
    static Map<String, Object> base() {
        return map(
                "name", "tiny",
                "description", "a corpus spec",
                "activations", map("source", "synthetic", "d_in", "16", "features", "32", "parents", "2",
                        "tokens", "10k"),
                "narrow_sae", map("width", "8", "tokens", "10k"),
                "target_latent", "3",
                "filter_threshold", "2.0",
                "training", map("batch_size", "64", "learning_rate", "1.0e-4"),
                "split", map("min_children", "2", "probes", new ArrayList<>(List.of(
                        map("prompt", "\"I'm a multi-millionaire\"", "token", "\"-\"", "expect", "dominant-child")))),
                "runs", new ArrayList<>(List.of(row("a", "narrow"), row("b", "random"))));
    }

    static Map<String, Object> row(String id, String init) {
        return map("id", id, "width", "32", "seed", "1", "init", init, "normalised", "true", "data", "filtered",
                "loss", "standard", "tokens", "10k");
    }

    List<CorpusCase> generate() throws IOException {
        validStyles();
        fieldValues();
        structure();
        documents();
        malformedYaml();
        aliases();
        sizes();
        encodings();
        controlCharacters();
        return cases;
    }

    private void validStyles() throws IOException {
        for (CorpusYaml.Style style : CorpusYaml.Style.values()) {
            good("valid-style", CorpusYaml.render(base(), style));
            good("valid-style", CorpusYaml.render(mutated(t -> set(t, "runs[1].tokens", "26.2M")), style));
            good("valid-style", CorpusYaml.render(mutated(t -> set(t, "target_latent", "{parent: 1}")), style));
            good("valid-style", CorpusYaml.render(mutated(t -> set(t, "runs[0].width", "0x20")), style));
            good("valid-style", CorpusYaml.render(mutated(t -> set(t, "runs[1].tokens", "10_000")), style));
            good("valid-style", CorpusYaml.render(mutated(t -> set(t, "description", "2024-01-01")), style));
            good("valid-style", CorpusYaml.render(mutated(t -> set(t, "runs[0].width", "!!int \"32\"")), style));
        }
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        good("valid-anchors", block.replace("  tokens: 10k\nnarrow_sae", "  tokens: &budget 10k\nnarrow_sae")
                .replace("    tokens: 10k\n", "    tokens: *budget\n"));
        good("valid-anchors", block.replace("narrow_sae:\n  width: 8\n  tokens: 10k",
                "narrow_sae: &narrow\n  width: 8\n  tokens: 10k"));
        String rows = "runs:\n  - &row {id: a, width: 32, seed: 1, init: narrow, normalised: true, data: filtered, "
                + "tokens: 10k}\n";
        String head = block.substring(0, block.indexOf("runs:"));
        good("valid-merge-keys", head + rows + "  - <<: *row\n    id: b\n    seed: 2\n");
        good("valid-merge-keys", head + rows + "  - {<<: *row, id: b, init: random}\n");
        good("valid-merge-keys", head + rows + "  - {<<: [*row], id: b, data: all}\n  - {<<: *row, id: c}\n");
        good("valid-merge-keys", head + rows.replace("&row {id: a,", "&row {id: a, <<: {purpose: x},")
                + "  - {<<: *row, id: b}\n");
        good("valid-comments", "# leading comment\n" + block.replace("\n", "  # trailing\n"));
        good("valid-crlf", block.replace("\n", "\r\n"));
        good("valid-markers", "---\n" + block + "...\n");
        good("valid-markers", "%YAML 1.1\n---\n" + block);
        good("valid-quoted-keys", block.replace("name: tiny", "\"name\": 'tiny'"));
        good("valid-unicode", block.replace("a corpus spec", "\"多语言 — ünïcödé 🧪\""));
        good("valid-folded", block.replace("description: a corpus spec\n",
                "description: >-\n  folded\n  text\n"));
        good("valid-literal", block.replace("description: a corpus spec\n", "description: |\n  line\n  two\n"));
    }

    /** Each field set to values its type or range forbids, in every style. */
    private void fieldValues() throws IOException {
        badValues("activations.d_in", "0", "-1", "65537", "1.5", ".nan", ".inf", "sixteen", "\"\"", "[16]",
                "{a: 1}", "99999999999999999999999", "true", "null", "~");
        badValues("activations.features", "0", "1.5", "x", "16777217", "-.inf");
        badValues("activations.parents", "0", ".nan", "x");
        badValue("activations.parents", "100", "activations.features");
        badValues("activations.tokens", BAD_TOKENS);
        badValues("activations.firing_probability", "0", "1.5", ".nan", "-.inf", "x");
        badValues("activations.child_probability", "0", "2");
        badValues("activations.children_per_parent", "0", "1025");
        badValues("activations.seed", "1.5", "99999999999999999999", "x", "[1]");
        badValues("activations.source", "csv", "\"\"", "[synthetic]", "null");
        badValues("narrow_sae.width", "0", "-8", "16777217", "8.0", ".nan", "x", "\"\"", "null");
        badValues("narrow_sae.tokens", BAD_TOKENS);
        badValues("narrow_sae.seed", "x", "1.5");
        badValues("target_latent", "8", "-1", "1.5", ".nan", "x", "\"\"", "[3]");
        badValue("target_latent", "{parent: 9}", "target_latent.parent");
        badValue("target_latent", "{parent: 1, x: 2}", "target_latent.x");
        badValues("filter_threshold", "-1", ".nan", ".inf", "-.inf", "x", "[1]", "\"2\"");
        badValues("training.batch_size", "0", "1.5", ".nan", "x", "16777217");
        badValues("training.learning_rate", "0", "2", ".nan", ".inf", "x");
        badValues("training.sparsity_coefficient", "-1", "1e7", ".nan");
        badValues("training.lr_warmup_steps", "-1", "2147483648");
        badValues("training.checkpoint_every", "0");
        badValues("training.log_every", "0", "x");
        badValues("max_parallel_runs", "0", "1025", "1.5");
        badValues("split.min_children", "1", "x");
        badValues("split.min_coverage", "1.5", "-0.1", ".nan");
        badValues("split.max_child_overlap", "1.5", "-0.1", ".nan", "x");
        badValues("split.probes[0].token", "\"\"", "zz", "\" \"");
        badValues("split.probes[0].prompt", "\"\"");
        badValues("split.probes[0].expect", "maybe", "\"\"");
        badValues("split.probes[0].margin", "0", ".nan");
        badValues("split.probes", "x");
        badValue("split.probes", "[x]", "split.probes[0]");
        badValues("runs[0].id", "\"\"", "\" \"", "\"a b\"", "[a]");
        badValues("runs[1].id", "\"\"", "a");
        badValues("runs[1].width", "0", "-32", ".nan", "32.5", "x", "16777217");
        badValues("runs[0].width", "4");
        badValues("runs[1].seed", "x", "1.5", "99999999999999999999", "null");
        badValues("runs[1].init", "copy", "\"\"", "[narrow]", "true");
        badValues("runs[1].normalised", "1", "yes", "\"true\"", ".nan", "null");
        badValues("runs[1].data", "some", "\"\"");
        badValues("runs[1].loss", "zero-target", "nope");
        badValues("runs[0].tokens", BAD_TOKENS);
        badValues("runs[1].tokens", BAD_TOKENS);
        badValues("runs", "{}", "x");
        badValue("runs", "[x]", "runs[0]");
        badValues("activations", "x", "[1]", "null");
        badValues("narrow_sae", "x", "null");
        badValues("training", "x", "[1]");
        badValues("split", "x");
        badValues("name", "\"\"", "\"  \"", "{a: 1}", "[x]", "\"bad name\"", "null", "\"a\\0b\"");
    }

    /** Unknown, missing and duplicate keys at every level. */
    private void structure() throws IOException {
        for (String field : List.of("extra", "activations.extra", "narrow_sae.extra", "training.lr",
                "split.extra", "split.probes[0].extra", "runs[1].lr")) {
            badValue("unknown-field", field, "1", field);
        }
        // An absent, empty or null run table stops at the narrow SAE, which needs no target_latent.
        for (CorpusYaml.Style style : CorpusYaml.Style.values()) {
            good("valid-narrow-only", CorpusYaml.render(mutated(t -> remove(t, "runs")), style));
            good("valid-narrow-only", CorpusYaml.render(mutated(t -> {
                remove(t, "runs");
                remove(t, "target_latent");
            }), style));
            good("valid-narrow-only", CorpusYaml.render(mutated(t -> set(t, "runs", "[]")), style));
            good("valid-narrow-only", CorpusYaml.render(mutated(t -> set(t, "runs", "null")), style));
        }
        for (String field : List.of("name", "activations", "narrow_sae", "target_latent",
                "activations.d_in", "activations.features", "activations.parents", "activations.tokens",
                "activations.source", "narrow_sae.width", "narrow_sae.tokens", "runs[1].id", "runs[1].width",
                "runs[1].init", "runs[1].normalised", "runs[1].data", "runs[1].tokens", "runs[1].seed",
                "split.probes[0].prompt", "split.probes[0].token", "split.probes[0].expect")) {
            for (CorpusYaml.Style style : CorpusYaml.Style.values()) {
                bad("missing-field", CorpusYaml.render(mutated(t -> remove(t, field)), style), field);
            }
        }
        for (String field : List.of("name", "activations.d_in", "runs[1].seed", "training.batch_size",
                "split.probes[0].token", "runs[0].id")) {
            badValue("duplicate-keys", field + "#2", "7", field);
        }
    }

    private void documents() throws IOException {
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        String flow = CorpusYaml.render(base(), CorpusYaml.Style.FLOW);
        bad("multi-document", block + "---\n" + block, "");
        bad("multi-document", block + "---\nname: other\n", "");
        bad("multi-document", block + "...\n---\n", "");
        bad("multi-document", "---\n" + block + "---\n", "");
        bad("multi-document", block + "--- {}\n", "");
        bad("multi-document", flow + "---\n" + flow, "");
        bad("multi-document", "--- " + flow + "--- " + flow, "");
    }

    private void malformedYaml() throws IOException {
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        String flow = CorpusYaml.render(base(), CorpusYaml.Style.FLOW);
        List<String> broken = List.of(
                block.replace("runs:\n", "runs: [\n"), block + "x: [1, 2\n", block + "y: {a: 1\n",
                block.replace("name: tiny", "name: \"tiny"), block.replace("  d_in: 16", "\td_in: 16"),
                block.replace("  d_in: 16", "     d_in: 16"), block + "]\n", block + "key: : x\n",
                block.replace("name: tiny", "name: tiny: too"), block + "@oops: 1\n", block + "`x: 1\n",
                block + "- item\n", block + "? [a]\n: b\n", block + "z: *undefined\n",
                block.replace("name: tiny", "name: &a tiny &b"), "%YAML 9.9\n---\n" + block,
                block + "description: !!binary aGVsbG8=\n", block.replace("a corpus spec", "!custom x"),
                block.replace("a corpus spec", "!!set {a, b}"), block + "\"unterminated\n",
                block.replace("a corpus spec", "!!python/object:os.system x"),
                flow.substring(0, flow.length() / 2), flow.replace("}", ""), flow.replace(", ", " "),
                flow + "}", "{" + flow, flow.replace("[", "{"), block.replace(":", ""),
                block.replace("  source: synthetic", "  source: synthetic\n source2: x"),
                block.replace("runs:\n", "runs:\n  -\n"), "'" + block, block.replace("- id: a", "-id: a"),
                block + "*anchor\n", block + "&a\n", block + "!tag\n", block + "| x\n");
        for (String text : broken) {
            bad("malformed-yaml", text, "");
        }
        for (int depth : new int[] {70, 500, 20_000}) {
            bad("deep-nesting", block.replace("a corpus spec", "[".repeat(depth) + "]".repeat(depth)), "");
            bad("deep-nesting", block.replace("a corpus spec", "{a: ".repeat(depth) + "}".repeat(depth)), "");
        }
    }

    private void aliases() throws IOException {
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        StringBuilder laughs = new StringBuilder("bomb:\n  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int level = 1; level < 10; level++) {
            laughs.append("  - &l").append(level).append(" [")
                    .append(String.join(", ", Collections.nCopies(9, "*l" + (level - 1)))).append("]\n");
        }
        bad("alias-bomb", block + laughs, "");
        bad("alias-bomb", block.replace("description: a corpus spec\n", "description:\n"
                + laughs.substring("bomb:\n".length())), "");
        String wide = "a: &a [" + String.join(", ", Collections.nCopies(1000, "x")) + "]\nb: ["
                + String.join(", ", Collections.nCopies(300, "*a")) + "]\n";
        bad("alias-bomb", block + wide, "");
        bad("alias-bomb", block + "description2: &m {a: 1}\nmerged: {<<: [" + String.join(", ",
                Collections.nCopies(5000, "*m")) + "]}\n", "");
        bad("alias-recursive", block + "loop: &loop [a, *loop]\n", "");
        bad("alias-recursive", block + "loop: &loop {a: *loop}\n", "");
        bad("alias-recursive", block.replace("description: a corpus spec", "description: &d [*d]"), "description");
        bad("alias-undefined", block.replace("  tokens: 10k\nnarrow_sae", "  tokens: *nowhere\nnarrow_sae"), "");
        bad("alias-bad-merge", block.replace("- id: a", "- <<: 5\n    id: a"), "");
        bad("alias-bad-merge", block.replace("- id: a", "- <<: [1, 2]\n    id: a"), "");
        bad("alias-type", block.replace("narrow_sae:\n", "narrow_sae: &n\n")
                .replace("    tokens: 10k\n", "    tokens: *n\n"), "runs[0].tokens");
    }

    private void sizes() throws IOException {
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        int nearCap = (1 << 20) - block.length() - 100;
        badFile("over-size-cap", block.replace("a corpus spec", "x".repeat(2 << 20)));
        badFile("over-size-cap", block + "k" + "e".repeat(1 << 20) + ": 1\n");
        badFile("over-size-cap", block + ("# comment\n").repeat(120_000));
        good("large-under-cap", block.replace("a corpus spec", "x".repeat(nearCap)));
        good("large-under-cap", block.replace("a corpus spec", "\"" + "y".repeat(nearCap) + "\""));
        bad("large-under-cap", block.replace("a corpus spec", "[" + "z".repeat(nearCap) + "]"), "description");
        bad("large-under-cap", block.replace("  d_in: 16", "  d_in: " + "9".repeat(nearCap)), "activations.d_in");
        bad("large-under-cap", block.replace("    tokens: 10k\n", "    tokens: " + "9".repeat(nearCap / 2) + "\n"),
                "runs[0].tokens");
        bad("large-under-cap", block + "k" + "e".repeat(nearCap) + ": 1\n", "");
        bad("large-under-cap", block + "many: [" + "1,".repeat(nearCap / 2 - 10) + "1]\n", "");
    }

    private void encodings() throws IOException {
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        byte[] utf8 = block.getBytes(StandardCharsets.UTF_8);
        int at = block.indexOf("corpus");
        for (byte[] inserted : List.of(new byte[] {(byte) 0xE9}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xE2, (byte) 0x82}, new byte[] {(byte) 0x93}, new byte[] {(byte) 0xF8})) {
            bad("bad-encoding", splice(utf8, at, inserted), "");
            bad("bad-encoding", splice(utf8, 0, inserted), "");
            bad("bad-encoding", splice(utf8, utf8.length, inserted), "");
        }
        bad("bad-encoding", block.getBytes(StandardCharsets.UTF_16LE), "");
        bad("bad-encoding", block.getBytes(StandardCharsets.UTF_16), "");
        bad("bad-encoding", block.getBytes(StandardCharsets.UTF_16BE), "");
        bad("bad-encoding", block.replace("a corpus spec", "caf\u00e9").getBytes(StandardCharsets.ISO_8859_1), "");
        good("valid-bom", splice(utf8, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}));
    }

    private void controlCharacters() throws IOException {
        String block = CorpusYaml.render(base(), CorpusYaml.Style.BLOCK);
        int[] positions = {0, block.indexOf("tiny"), block.indexOf("d_in"), block.indexOf("runs"), block.length()};
        for (char c : new char[] {'\0', '\u0001', '\u0007', '\b', '\u000B', '\u000C', '\u001B', '\u007F', '\u0080',
                '\uFFFE', '\uFFFF'}) {
            for (int position : positions) {
                bad("control-character", block.substring(0, position) + c + block.substring(position), "");
            }
        }
        bad("control-character", "# comment \u0000\n" + block, "");
    }

    private void badValues(String path, String... values) throws IOException {
        for (String value : values) {
            badValue(path, value, path);
        }
    }

    private void badValue(String path, String value, String field) throws IOException {
        badValue(kindOf(value), path, value, field);
    }

    private void badValue(String kind, String path, String value, String field) throws IOException {
        for (CorpusYaml.Style style : CorpusYaml.Style.values()) {
            bad(kind, CorpusYaml.render(mutated(t -> set(t, path, value)), style), field);
        }
    }

    private static String kindOf(String value) {
        if (value.contains("nan") || value.contains("inf") || value.equals("1e400")) {
            return "non-finite";
        }
        if (value.equals("\"\"") || value.isBlank() || value.equals("\" \"") || value.equals("\"  \"")) {
            return "blank-string";
        }
        if (value.matches("-?[0-9.]+[kKmMbB]?") || value.matches("[0-9]{20,}")) {
            return "out-of-range";
        }
        return "wrong-type";
    }

    private static Map<String, Object> mutated(Consumer<Map<String, Object>> mutation) {
        Map<String, Object> tree = base();
        mutation.accept(tree);
        return tree;
    }

    /** Sets the value at {@code path} ({@code runs[1].width}, {@code split.probes[0].token}). */
    @SuppressWarnings("unchecked")
    static void set(Map<String, Object> tree, String path, Object value) {
        int dot = path.lastIndexOf('.');
        Map<String, Object> parent = dot < 0 ? tree : (Map<String, Object>) at(tree, path.substring(0, dot));
        parent.put(path.substring(dot + 1), value);
    }

    @SuppressWarnings("unchecked")
    static void remove(Map<String, Object> tree, String path) {
        int dot = path.lastIndexOf('.');
        Map<String, Object> parent = dot < 0 ? tree : (Map<String, Object>) at(tree, path.substring(0, dot));
        parent.remove(path.substring(dot + 1));
    }

    private static Object at(Object tree, String path) {
        Object node = tree;
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            String key = bracket < 0 ? part : part.substring(0, bracket);
            node = ((Map<?, ?>) node).get(key);
            if (bracket >= 0) {
                node = ((List<?>) node).get(Integer.parseInt(part.substring(bracket + 1, part.length() - 1)));
            }
        }
        return node;
    }

    private static byte[] splice(byte[] text, int at, byte[] inserted) {
        byte[] out = new byte[text.length + inserted.length];
        System.arraycopy(text, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(text, at, out, at + inserted.length, text.length - at);
        return out;
    }

    private void good(String kind, Object content) throws IOException {
        cases.add(CorpusCase.good(kind, write(kind, content)));
    }

    private void bad(String kind, Object content, String field) throws IOException {
        cases.add(CorpusCase.bad(kind, write(kind, content), field));
    }

    private void badFile(String kind, Object content) throws IOException {
        cases.add(CorpusCase.badFile(kind, write(kind, content)));
    }

    private String write(String kind, Object content) throws IOException {
        Path file = dir.resolve(String.format("%04d-%s.yaml", serial++, kind));
        if (content instanceof byte[] bytes) {
            Files.write(file, bytes);
        } else {
            Files.writeString(file, (String) content);
        }
        return file.toString();
    }
}
