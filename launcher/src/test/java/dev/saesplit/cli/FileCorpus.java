package dev.saesplit.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.saesplit.cli.CorpusYaml.map;

/**
 * Generates, at test time, the corpus cases about files: a spec that is itself a pipe, a device, a link or
 * missing, and specs naming hostile {@code .npy} arrays, SAE directories and weights files.
 */
final class FileCorpus {

    private final Path dir;
    private final CorpusFiles files;
    private final List<CorpusCase> cases = new ArrayList<>();
    private int serial;

    FileCorpus(Path dir) {
        this.dir = dir;
        this.files = new CorpusFiles(dir);
    }

    List<CorpusCase> generate() throws IOException {
        specPaths();
        npyFiles();
        narrowSaes();
        modelWeights();
        return cases;
    }

    private void specPaths() throws IOException {
        String valid = CorpusYaml.render(SpecCorpus.base(), CorpusYaml.Style.BLOCK);
        Path fifo = files.fifo("spec-pipe.yaml");
        for (Path spec : List.of(dir.resolve("absent.yaml"), files.directory("a-directory.yaml"), Path.of("/dev/null"),
                Path.of("/dev/zero"), Path.of("/dev/urandom"), fifo, files.link("zero-link.yaml", Path.of("/dev/zero")),
                files.link("urandom-link.yaml", Path.of("/dev/urandom")), files.link("pipe-link.yaml", fifo),
                files.link("loop-a.yaml", dir.resolve("loop-b.yaml")), files.link("loop-b.yaml",
                        dir.resolve("loop-a.yaml")), files.link("dangling.yaml", dir.resolve("nowhere.yaml")),
                Files.writeString(dir.resolve("empty.yaml"), ""), Files.writeString(dir.resolve("blank.yaml"), "  \n\n"),
                Files.writeString(dir.resolve("comments.yaml"), "# only\n# comments\n"))) {
            cases.add(CorpusCase.badFile("hostile-spec-path", spec.toString()));
        }
        cases.add(CorpusCase.badFile("hostile-spec-path", dir + "/nul\0byte.yaml"));
        for (String root : List.of("~\n", "[]\n", "\"text\"\n", "42\n", "---\n...\n", "- a\n- b\n")) {
            bad("wrong-root", root, "");
        }
        // A readable one-line file that is no spec (a password, a token) must never be echoed back.
        for (String secret : List.of(CorpusCase.SECRET + "x9Qw\n", "'" + CorpusCase.SECRET + "'\n",
                CorpusCase.SECRET + " 42\n", "- " + CorpusCase.SECRET + "\n", "[" + CorpusCase.SECRET + "]\n")) {
            bad("secret-not-echoed", secret, "");
        }
        cases.add(CorpusCase.good("valid-spec-path", files.link("valid-link.yaml", spec(valid)).toString()));
    }

    private void npyFiles() throws IOException {
        files.npy("good.npy", 4, 16);
        files.npy("good2.npy", 2, 16);
        files.npy("narrow.npy", 4, 12);
        good("valid-npy", npySpec("[good.npy]"));
        good("valid-npy", npySpec("[good.npy, good2.npy]"));
        files.fifo("pipe.npy");
        files.link("zero.npy", Path.of("/dev/zero"));
        files.directory("folder.npy");
        for (String list : List.of("[pipe.npy]", "[zero.npy]", "[folder.npy]", "[\"a\\0b.npy\"]", "[/]",
                "[absent.npy]", "[good.npy, 5]", "[{a: 1}]", "[]", "good.npy")) {
            bad("hostile-npy-path", npySpec(list), "activations.files");
        }
        String f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }";
        Map<String, String> hostile = strings(
                "overflow.npy", String.format(f4, "(4611686018427387904, 4)"),
                "overflow2.npy", String.format(f4, "(4294967296, 4294967296)"),
                "past-long.npy", String.format(f4, "(18446744073709551620, 4)"),
                "quoted.npy", String.format(f4, "('2', 4)"),
                "fraction.npy", String.format(f4, "(2.9, 4)"),
                "negative.npy", String.format(f4, "(-2, 16)"),
                "rank3.npy", String.format(f4, "(1, 1, 16)"),
                "rank1.npy", String.format(f4, "(16,)"),
                "float64.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 16), }",
                "big-endian.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 16), }",
                "fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 16), }",
                "structured.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1, 16), }",
                "no-shape.npy", "{'descr': '<f4', 'fortran_order': False, }",
                "truncated.npy", String.format(f4, "(100, 16)"),
                "trailing.npy", String.format(f4, "(1, 2)"));
        for (Map.Entry<String, String> entry : hostile.entrySet()) {
            files.rawNpy(entry.getKey(), entry.getValue(), 64);
            bad("hostile-npy-header", npySpec("[" + entry.getKey() + "]"), "activations.files[0]");
            bad("hostile-npy-header", npySpec("[good.npy, " + entry.getKey() + "]"), "activations.files[1]");
        }
        byte[] claims = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, (byte) 0xF0, (byte) 0xFF, (byte) 0xFF, 0x7F, 0};
        files.bytes("claims-2gib.npy", claims);
        files.bytes("not-npy.npy", "just text".getBytes());
        files.bytes("empty.npy", new byte[0]);
        files.bytes("version9.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 9, 0, 0, 0, 0, 0});
        for (String name : List.of("claims-2gib.npy", "not-npy.npy", "empty.npy", "version9.npy", "narrow.npy")) {
            bad("hostile-npy-header", npySpec("[good.npy, " + name + "]"), "activations.files[1]");
        }
    }

    private void narrowSaes() throws IOException {
        files.sae("sae-good", 16, 8, cfg -> cfg);
        good("valid-existing-sae", saeSpec("sae-good", "narrow"));
        files.sae("sae-no-bdec", 16, 8, cfg -> cfg.replace("\"apply_b_dec_to_input\" : true",
                "\"apply_b_dec_to_input\" : false"));
        good("valid-existing-sae", saeSpec("sae-no-bdec", "random"));
        bad("sae-config", saeSpec("sae-no-bdec", "narrow"), "runs[0].init");
        files.sae("sae-topk", 16, 8, cfg -> cfg.replace("\"standard\"", "\"topk\", \"k\": 4"));
        good("valid-existing-sae", saeSpec("sae-topk", "narrow"));
        Files.writeString(dir.resolve("plain-file"), "not an SAE");
        Files.writeString(files.directory("sae-no-cfg").resolve("sae_weights.safetensors"), "");
        files.sae("sae-pipe-cfg", 16, 8, cfg -> cfg);
        Files.delete(dir.resolve("sae-pipe-cfg/cfg.json"));
        files.fifo("sae-pipe-cfg/cfg.json");
        files.sae("sae-zero-cfg", 16, 8, cfg -> cfg);
        Files.delete(dir.resolve("sae-zero-cfg/cfg.json"));
        files.link("sae-zero-cfg/cfg.json", Path.of("/dev/zero"));
        files.sae("sae-no-weights", 16, 8, cfg -> cfg);
        Files.delete(dir.resolve("sae-no-weights/sae_weights.safetensors"));
        files.sae("sae-pipe-weights", 16, 8, cfg -> cfg);
        Files.delete(dir.resolve("sae-pipe-weights/sae_weights.safetensors"));
        files.fifo("sae-pipe-weights/sae_weights.safetensors");
        files.sae("sae-overflow-weights", 16, 8, cfg -> cfg);
        files.rawSafetensors("sae-overflow-weights/sae_weights.safetensors",
                "{\"W_enc\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", 8);
        files.sae("sae-narrow-weights", 16, 8, cfg -> cfg.replace("\"d_sae\" : 8", "\"d_sae\" : 16"));
        files.nonFiniteSae("sae-nan", 16, 8);
        bad("hostile-sae-weights", saeSpec("sae-nan", "narrow"), "narrow_sae.path");
        for (String path : List.of("plain-file", "/dev/null", "/dev/zero", "sae-no-cfg", "sae-pipe-cfg",
                "sae-zero-cfg", "sae-no-weights", "sae-pipe-weights", "absent-sae", "\"sae\\0good\"")) {
            bad("hostile-sae-path", saeSpec(path, "narrow"), "narrow_sae.path");
        }
        Map<String, String> configs = strings(
                "sae-fraction", "\"d_sae\" : 32.9", "sae-text-width", "\"d_sae\" : \"8\"",
                "sae-negative", "\"d_sae\" : -8", "sae-huge", "\"d_sae\" : 1099511627776",
                "sae-jumprelu", "\"architecture\" : \"jumprelu\"", "sae-topk-no-k", "\"architecture\" : \"topk\"",
                "sae-din-fraction", "\"d_in\" : 16.5", "sae-din-mismatch", "\"d_in\" : 12",
                "sae-bdec-text", "\"apply_b_dec_to_input\" : \"false\"",
                "sae-duplicate", "\"d_sae\" : 8, \"d_sae\" : 8", "sae-not-json", "\"d_sae\" : ]");
        for (Map.Entry<String, String> entry : configs.entrySet()) {
            String field = entry.getValue().substring(0, entry.getValue().indexOf(" :"));
            files.sae(entry.getKey(), 16, 8, cfg -> cfg.replaceFirst(field + " : [^,\\n]+", entry.getValue()));
            bad("hostile-sae-config", saeSpec(entry.getKey(), "narrow"), "narrow_sae.path");
        }
        files.sae("sae-array-cfg", 16, 8, cfg -> "[1, 2]");
        files.sae("sae-big-cfg", 16, 8, cfg -> cfg.replace("{", "{\"pad\": \"" + "p".repeat(2 << 20) + "\","));
        bad("hostile-sae-config", saeSpec("sae-array-cfg", "narrow"), "narrow_sae.path");
        bad("hostile-sae-config", saeSpec("sae-big-cfg", "narrow"), "narrow_sae.path");
        bad("hostile-sae-weights", saeSpec("sae-overflow-weights", "narrow"), "narrow_sae.path");
        bad("hostile-sae-weights", saeSpec("sae-narrow-weights", "narrow"), "narrow_sae.path");
        files.sae("sae-din-12", 12, 8, cfg -> cfg);
        bad("sae-din-mismatch", saeSpec("sae-din-12", "narrow"), "narrow_sae.path");
        bad("sae-width", saeSpec("sae-good", "narrow").replace("path: sae-good", "path: sae-good\n  width: 16"),
                "narrow_sae.width");
        bad("sae-width", saeSpec("sae-good", "narrow").replace("target_latent: 3", "target_latent: 8"),
                "target_latent");
    }

    private void modelWeights() throws IOException {
        // The committed fixture model (2 layers, d_model 64): its config.json beside every weights file below, and
        // its weights, which validate reads as caching will.
        Path fixture = Path.of("..", "activities", "src", "test", "resources", "lm", "tl-safetensors");
        Files.copy(fixture.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(fixture.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        files.rawSafetensors("model-other.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}}", 8);
        files.rawSafetensors("model-overflow.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8);
        files.rawSafetensors("model-fraction.safetensors",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[2.9],\"data_offsets\":[0,8]}}", 8);
        files.bytes("model-claims.safetensors", new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F, 0, 0, 0, 0});
        files.fifo("model-pipe.safetensors");
        good("valid-model", modelSpec(null));
        good("valid-model", modelSpec("model.safetensors"));
        for (String weights : List.of("/", "/dev/zero", "model-pipe.safetensors", "absent.safetensors",
                "model-other.safetensors",
                "model-overflow.safetensors", "model-fraction.safetensors", "model-claims.safetensors", "\"\"")) {
            bad("hostile-model-weights", modelSpec(weights), "activations.weights");
        }
        // The config.json beside the weights is a user-named file too: a pipe must not hang validate, a device
        // must not exhaust its memory, a huge one is refused unread.
        files.directory("pipe-config");
        files.rawSafetensors("pipe-config/model.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}}", 8);
        files.fifo("pipe-config/config.json");
        files.directory("zero-config");
        files.rawSafetensors("zero-config/model.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}}", 8);
        files.link("zero-config/config.json", Path.of("/dev/zero"));
        files.directory("huge-config");
        files.rawSafetensors("huge-config/model.safetensors", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                + "\"data_offsets\":[0,8]}}", 8);
        Files.writeString(dir.resolve("huge-config/config.json"), "{\"pad\": \"" + "x".repeat(2 << 20) + "\"}");
        for (String weights : List.of("pipe-config/model.safetensors", "zero-config/model.safetensors",
                "huge-config/model.safetensors")) {
            bad("hostile-model-config", modelSpec(weights), "activations.weights");
        }
        tokenizers();
    }

    /** A text dataset's tokenizer.json is opened and exercised by validate; one built to blow up is refused. */
    private void tokenizers() throws IOException {
        Files.writeString(dir.resolve("texts.txt"), "a multi-channel, 8-speed, long-standing tradition\n");
        Path fixture = Path.of("..", "activities", "src", "test", "resources", "lm", "tokens", "tokenizer.json");
        Files.copy(fixture, dir.resolve("tokenizer.json"));
        good("valid-tokenizer", textSpec("tokenizer.json"));
        String json = Files.readString(fixture);
        for (String regex : List.of("(a+)+$", "(?:x|xx){2,}y", "(\\\\w+\\\\s?)*$")) {
            Path hostile = dir.resolve(String.format("tokenizer-%03d.json", serial++));
            Files.writeString(hostile, json.replaceFirst("\"pre_tokenizer\"\\s*:", java.util.regex.Matcher
                    .quoteReplacement("\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \""
                            + regex + "\"}, \"behavior\": \"Isolated\", \"invert\": false}, \"unused\":")));
            bad("hostile-tokenizer", textSpec(hostile.getFileName().toString()), "activations.tokenizer");
        }
    }

    private String textSpec(String tokenizer) {
        Map<String, Object> source = map("source", "model", "model", "gelu-1l", "hook", "blocks.0.hook_mlp_out",
                "dataset", "texts.txt", "tokenizer", tokenizer, "context_size", "16", "tokens", "10k");
        return CorpusYaml.render(withActivations(source), CorpusYaml.Style.FLOW_ROWS);
    }

    private String npySpec(String fileList) {
        return CorpusYaml.render(withActivations(map("source", "npy", "files", fileList)), CorpusYaml.Style.FLOW_ROWS);
    }

    private String modelSpec(String weights) {
        Map<String, Object> source = map("source", "model", "model", "gelu-1l", "hook", "blocks.0.hook_mlp_out",
                "dataset", "tokens", "context_size", "16", "tokens", "10k");
        if (weights != null) {
            source.put("weights", weights);
        }
        return CorpusYaml.render(withActivations(source), CorpusYaml.Style.FLOW_ROWS);
    }

    private String saeSpec(String path, String init) {
        Map<String, Object> spec = SpecCorpus.base();
        spec.put("narrow_sae", map("path", path));
        SpecCorpus.set(spec, "runs[0].init", init);
        return CorpusYaml.render(spec, CorpusYaml.Style.BLOCK);
    }

    private static Map<String, Object> withActivations(Map<String, Object> source) {
        Map<String, Object> spec = SpecCorpus.base();
        spec.put("activations", source);
        spec.put("target_latent", "3");
        return spec;
    }

    private static Map<String, String> strings(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private void good(String kind, String specText) throws IOException {
        cases.add(CorpusCase.good(kind, spec(specText).toString()));
    }

    private void bad(String kind, String specText, String field) throws IOException {
        cases.add(CorpusCase.bad(kind, spec(specText).toString(), field));
    }

    private Path spec(String text) throws IOException {
        return Files.writeString(dir.resolve(String.format("file-%03d.yaml", serial++)), text);
    }
}
