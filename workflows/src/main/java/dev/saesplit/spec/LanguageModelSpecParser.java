package dev.saesplit.spec;

import com.fasterxml.jackson.databind.JsonNode;
import dev.saesplit.spec.LanguageModelSpec.Corpus;
import dev.saesplit.spec.LanguageModelSpec.Model;
import dev.saesplit.spec.LanguageModelSpec.Source;
import dev.saesplit.spec.LanguageModelSpec.Training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates a language-model training spec ({@code saesplit lm train SPEC}), reporting every problem at
 * once with its line and field, as {@link SpecParser} does for experiments:
 *
 * <pre>
 * name: stdlib-gelu-1l
 * model: {layers: 1, d_model: 256, heads: 4, d_mlp: 1024, n_ctx: 128, vocab: 4096}
 * dataset: {source: python-stdlib}          # or {source: folder, path: docs, extensions: [.md, .py]}
 * training: {steps: 1500, batch_size: 32, learning_rate: 2e-3, seed: 0}
 * </pre>
 *
 * Every field but {@code name} and {@code dataset.source} has a default ({@link #DEFAULT_MODEL},
 * {@link #DEFAULT_TRAINING}: those of {@code models/stdlib-lm.yaml}, sized to train in under 30 minutes on
 * 2 CPU cores); relative paths resolve against the spec's directory.
 */
public final class LanguageModelSpecParser {

    public static final Model DEFAULT_MODEL = new Model(1, 256, 4, 1024, 128, 4096);
    public static final Training DEFAULT_TRAINING = new Training(1500, 32, 2e-3, 100, 0.1, 1.0, 0, 100, 250, 256);
    public static final double DEFAULT_HELD_OUT = 0.05;
    static final List<String> STDLIB_EXTENSIONS = List.of(".py");
    static final List<String> FOLDER_EXTENSIONS = List.of(".txt", ".md", ".py");

    private static final Pattern EXTENSION = Pattern.compile("\\.[A-Za-z0-9_.-]{1,20}");
    private static final Set<String> TOP = Set.of("name", "description", "model", "dataset", "training");
    private static final Set<String> MODEL = Set.of("layers", "d_model", "heads", "d_mlp", "n_ctx", "vocab");
    private static final Set<String> DATASET = Set.of("source", "path", "extensions", "held_out");
    private static final Set<String> TRAINING = Set.of("steps", "batch_size", "learning_rate", "warmup_steps",
            "min_lr_fraction", "gradient_clip", "seed", "checkpoint_every", "eval_every", "eval_contexts");

    private LanguageModelSpecParser() {
    }

    /** Parses the spec at {@code file}; only a regular file of at most {@link SpecParser#MAX_SPEC_BYTES} is read. */
    public static LanguageModelSpec parse(Path file) throws SpecValidationException {
        return parse(SpecParser.readSpecFile(file), file.toString(), file.toAbsolutePath().getParent());
    }

    /** Parses spec text; {@code fileName} names it in messages, {@code base} resolves relative paths. */
    public static LanguageModelSpec parse(String yaml, String fileName, Path base) throws SpecValidationException {
        YamlTree tree = YamlTree.compose(SpecText.check(yaml, fileName), fileName);
        SpecNodeReader reader = new SpecNodeReader(fileName, tree.locations());
        LanguageModelSpec spec = new Builder(reader, base).spec(tree.root());
        if (!reader.problems().isEmpty()) {
            throw new SpecValidationException(reader.problems());
        }
        return spec;
    }

    /**
     * A {@code dataset} mapping at {@code path} ({@code source}, {@code path}, {@code extensions}, {@code held_out}),
     * read as a language-model spec reads it: an experiment's model source names its corpus the same way.
     */
    static Corpus corpus(SpecNodeReader reader, Path base, JsonNode node, String path) {
        return new Builder(reader, base).corpus(node, path);
    }

    private record Builder(SpecNodeReader r, Path base) {

        LanguageModelSpec spec(JsonNode root) {
            if (!r.mapping(root, "", TOP)) {
                return null;
            }
            String name = r.name(root);
            r.text(root, "", "description", "");
            Model model = model(root.get("model"));
            Corpus corpus = corpus(root.get("dataset"), "dataset");
            Training training = training(root.get("training"));
            return model == null || corpus == null || training == null ? null
                    : new LanguageModelSpec(name, model, corpus, training);
        }

        Model model(JsonNode node) {
            String p = "model";
            if (node == null) {
                return DEFAULT_MODEL;
            }
            if (!r.mapping(node, p, MODEL)) {
                return null;
            }
            Model d = DEFAULT_MODEL;
            Model model = new Model(r.intValue(node, p, "layers", d.layers(), 1, 48),
                    r.intValue(node, p, "d_model", d.dModel(), 1, 8192),
                    r.intValue(node, p, "heads", d.heads(), 1, 256),
                    r.intValue(node, p, "d_mlp", d.dMlp(), 1, 65536),
                    r.intValue(node, p, "n_ctx", d.nCtx(), 2, 8192),
                    r.intValue(node, p, "vocab", d.vocab(), 3, 50258));
            if (model.dModel() % model.heads() != 0) {
                r.problem(p + ".heads", "must divide d_model " + model.dModel() + ", got " + model.heads());
            }
            return model;
        }

        Corpus corpus(JsonNode node, String p) {
            if (node == null) {
                r.problem(p, "required field is missing; e.g. {source: python-stdlib} or {source: folder, path: ...}");
                return null;
            }
            if (!r.mapping(node, p, DATASET)) {
                return null;
            }
            Source source = r.choice(node, p, "source", Source.class, null);
            double heldOut = r.number(node, p, "held_out", DEFAULT_HELD_OUT, 0, 0.5, true);
            List<String> extensions = extensions(node, p, source == Source.FOLDER ? FOLDER_EXTENSIONS
                    : STDLIB_EXTENSIONS);
            Path path = null;
            if (source == Source.FOLDER) {
                path = folder(r.text(node, p, "path", null), p + ".path");
            } else if (source == Source.PYTHON_STDLIB && r.has(node, "path")) {
                r.problem(p + ".path", "python-stdlib finds its folder itself (the running Python's Lib/); "
                        + "use source: folder to name one");
            }
            return source == null ? null : new Corpus(source, path, extensions, heldOut);
        }

        List<String> extensions(JsonNode node, String p, List<String> fallback) {
            JsonNode list = node.get("extensions");
            if (list == null || list.isNull()) {
                return fallback;
            }
            String q = p + ".extensions";
            if (!list.isArray() || list.isEmpty()) {
                r.problem(q, "expected a list of file name endings such as [.py, .md], got "
                        + SpecNodeReader.describe(list));
                return fallback;
            }
            List<String> extensions = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode item = list.get(i);
                if (!item.isTextual() || !EXTENSION.matcher(item.asText()).matches()) {
                    r.problem(q + "[" + i + "]", "expected a file name ending such as .py, got "
                            + SpecNodeReader.describe(item));
                } else {
                    extensions.add(item.asText());
                }
            }
            return extensions;
        }

        Path folder(String text, String p) {
            Path path = r.resolve(base, text, p);
            if (path == null) {
                return null;
            }
            if (!Files.isDirectory(path)) {
                r.problem(p, "not a folder: " + path);
                return null;
            }
            return path;
        }

        Training training(JsonNode node) {
            String p = "training";
            if (node == null) {
                return DEFAULT_TRAINING;
            }
            if (!r.mapping(node, p, TRAINING)) {
                return null;
            }
            Training d = DEFAULT_TRAINING;
            int steps = r.intValue(node, p, "steps", d.steps(), 1, 100_000_000);
            return new Training(steps,
                    r.intValue(node, p, "batch_size", d.batchSize(), 1, 65536),
                    r.number(node, p, "learning_rate", d.learningRate(), 0, 1, true),
                    r.intValue(node, p, "warmup_steps", Math.min(d.warmupSteps(), steps / 10), 0, steps),
                    r.number(node, p, "min_lr_fraction", d.minLrFraction(), 0, 1, false),
                    r.number(node, p, "gradient_clip", d.gradientClip(), 0, 1e6, true),
                    r.integer(node, p, "seed", d.seed(), 0, Long.MAX_VALUE),
                    r.intValue(node, p, "checkpoint_every", d.checkpointEvery(), 1, Integer.MAX_VALUE),
                    r.intValue(node, p, "eval_every", d.evalEvery(), 1, Integer.MAX_VALUE),
                    r.intValue(node, p, "eval_contexts", d.evalContexts(), 1, 1_000_000));
        }
    }
}
