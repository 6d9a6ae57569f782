package dev.saesplit.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.files.RegularFiles;
import dev.saesplit.files.UnreadableFileException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses and validates experiment YAML into an {@link ExperimentSpec}, once, at the edge. Every problem is
 * reported together, each with file, line, column and field. Relative paths resolve against the spec's
 * directory.
 */
public final class SpecParser {

    /** A spec is a page or two of YAML; a megabyte is a mistake, and YAML parsing slows with scalar size. */
    public static final int MAX_SPEC_BYTES = 1 << 20;

    private static final Set<String> TOP = Set.of("name", "description", "activations", "narrow_sae",
            "target_latent", "filter_threshold", "training", "max_parallel_runs", "split", "runs");
    private static final Set<String> SYNTHETIC = Set.of("source", "d_in", "features", "parents",
            "children_per_parent", "firing_probability", "child_probability", "tokens", "seed");
    private static final Set<String> NPY = Set.of("source", "files");
    private static final Set<String> MODEL = Set.of("source", "model", "weights", "tokenizer", "hook", "dataset",
            "context_size", "prepend_bos", "split_rows", "tokens", "batch_size", "after", "weight_processing", "stream",
            "buffer_tokens", "cache_dtype");
    /** The extensions of dataset files; a {@code dataset} without one and without a '/' may be a bare name. */
    private static final Pattern DATASET_PATH = Pattern.compile(".*[/\\\\].*|.*\\.(txt|md|py|jsonl|npy|parquet)");
    /** A shuffle buffer is one float array: 2^22 rows of width 512 are 8 GiB, already more than most heaps. */
    private static final long MAX_BUFFER_TOKENS = 1L << 22;
    private static final Set<String> NARROW = Set.of("width", "tokens", "seed", "path");
    private static final Set<String> TRAINING = Set.of("batch_size", "learning_rate", "sparsity_coefficient",
            "lr_warmup_steps", "l1_warmup_steps", "lr_decay_steps", "checkpoint_every", "log_every", "shared_stream");
    private static final Set<String> SPLIT = Set.of("min_children", "min_specificity", "min_recall",
            "max_child_recall", "min_coverage", "max_child_jaccard", "max_child_overlap", "probes");
    private static final Set<String> PROBE = Set.of("prompt", "token", "expect", "margin");
    private static final Set<String> RUN = Set.of("id", "purpose", "width", "seed", "init", "normalised", "data",
            "loss", "tokens", "reported", "sae", "architecture", "k", "groups", "l0_coefficient");
    /** Matryoshka groups beyond this many are surely a mistake, and each costs a reconstruction per step. */
    private static final int MAX_MATRYOSHKA_GROUPS = 64;

    private SpecParser() {
    }

    /**
     * Parses the spec at {@code file}, then runs {@code checks} on it. Only a regular file (after symlinks)
     * of at most {@link #MAX_SPEC_BYTES} is read: a pipe or a device would hang or never end.
     */
    public static ExperimentSpec parse(Path file, SpecCheck... checks) throws SpecValidationException {
        return parse(file, Until.REPORT, checks);
    }

    /**
     * As {@link #parse(Path, SpecCheck...)}, for a run that goes {@code until} a stage: one that stops at the
     * narrow SAE needs no {@code target_latent}. A spec whose run table is empty or absent needs none either way.
     */
    public static ExperimentSpec parse(Path file, Until until, SpecCheck... checks) throws SpecValidationException {
        return parseChecked(readSpecFile(file), file.toString(), file.toAbsolutePath().getParent(), until, checks);
    }

    /** The text of the spec at {@code file}: a regular file (after symlinks) of at most {@link #MAX_SPEC_BYTES}. */
    static String readSpecFile(Path file) throws SpecValidationException {
        byte[] bytes;
        try {
            bytes = RegularFiles.read(file, MAX_SPEC_BYTES);
        } catch (NoSuchFileException e) {
            throw single(file.toString(), "no such file");
        } catch (UnreadableFileException e) {
            throw single(file.toString(), e.problem().replace("such a file", "a spec"));
        } catch (IOException e) {
            throw single(file.toString(), "cannot be read: " + e.getMessage());
        }
        return SpecText.decode(bytes, file.toString());
    }

    /** Parses spec text; {@code fileName} names it in messages, {@code base} resolves relative paths. */
    public static ExperimentSpec parse(String yaml, String fileName, Path base) throws SpecValidationException {
        if (yaml.length() > MAX_SPEC_BYTES) {
            throw single(fileName, "is larger than the " + RegularFiles.describeSize(MAX_SPEC_BYTES)
                    + " a spec may be");
        }
        return parseChecked(SpecText.check(yaml, fileName), fileName, base, Until.REPORT);
    }

    private static ExperimentSpec parseChecked(String yaml, String fileName, Path base, Until until,
                                               SpecCheck... checks) throws SpecValidationException {
        YamlTree tree = YamlTree.compose(yaml, fileName);
        SpecNodeReader reader = new SpecNodeReader(fileName, tree.locations());
        ExperimentSpec spec = new Builder(reader, base, until).experiment(tree.root());
        if (reader.problems().isEmpty()) {
            for (SpecCheck check : checks) {
                check.check(spec, reader);
            }
        }
        if (!reader.problems().isEmpty()) {
            throw new SpecValidationException(reader.problems());
        }
        return spec;
    }

    static SpecValidationException single(String file, String message) {
        return new SpecValidationException(List.of(new SpecProblem(file, 0, 0, "", message)));
    }

    /**
     * One parse: the reader collecting problems, the directory relative paths resolve against, and how far the
     * run goes.
     */
    private record Builder(SpecNodeReader r, Path base, Until until) {

        ExperimentSpec experiment(JsonNode root) {
            if (!r.mapping(root, "", TOP)) {
                return null;
            }
            String name = r.name(root);
            String description = r.text(root, "", "description", "");
            ActivationSourceSpec activations = activations(root.get("activations"));
            NarrowSaeSpec narrow = narrowSae(root.get("narrow_sae"));
            TargetLatent target = targetLatent(root, activations, narrow);
            double threshold = r.number(root, "", "filter_threshold", ExperimentSpec.DEFAULT_FILTER_THRESHOLD,
                    0, Double.MAX_VALUE, false);
            TrainingSpec training = training(root.get("training"));
            int parallel = r.intValue(root, "", "max_parallel_runs", 2, 1, 1024);
            SplitCriteria split = split(root.get("split"));
            List<RunSpec> runs = runs(root.get("runs"), narrow);
            return new ExperimentSpec(name, description, activations, narrow, target, threshold, training,
                    parallel, split, runs);
        }

        ActivationSourceSpec activations(JsonNode node) {
            String p = "activations";
            if (node == null) {
                r.problem(p, "required field is missing");
                return null;
            }
            String source = node.isObject() ? r.text(node, p, "source", null) : "";
            switch (source) {
                case "synthetic" -> {
                    r.mapping(node, p, SYNTHETIC);
                    int dIn = r.intValue(node, p, "d_in", null, 1, 1 << 16);
                    int features = r.intValue(node, p, "features", null, 1, 1 << 24);
                    int parents = r.intValue(node, p, "parents", null, 1, 1 << 20);
                    int children = r.intValue(node, p, "children_per_parent", 3, 1, 1024);
                    double firing = r.number(node, p, "firing_probability", 0.01, 0, 1, true);
                    double childProbability = r.number(node, p, "child_probability", 1.0, 0, 1, true);
                    long tokens = r.tokenCount(node, p, "tokens", null);
                    long seed = r.integer(node, p, "seed", 0L, Long.MIN_VALUE, Long.MAX_VALUE);
                    if (features > 0 && parents > 0 && (long) parents * (children + 1) > features) {
                        r.problem(p + ".features", parents + " parents with " + children + " children each need "
                                + "at least " + (long) parents * (children + 1) + " features, got " + features);
                    }
                    return new ActivationSourceSpec.Synthetic(dIn, features, parents, children, firing,
                            childProbability, tokens, seed);
                }
                case "npy" -> {
                    r.mapping(node, p, NPY);
                    return new ActivationSourceSpec.Npy(npyFiles(node.get("files"), p + ".files"));
                }
                case "model" -> {
                    r.mapping(node, p, MODEL);
                    JsonNode modelNode = node.get("model");
                    LanguageModelSpec train = modelNode != null && modelNode.isObject()
                            ? trainedModel(modelNode, p + ".model") : null;
                    String model = modelNode != null && modelNode.isObject()
                            ? (train == null ? "" : train.name()) : r.text(node, p, "model", null);
                    if (modelNode != null && modelNode.isObject()) {
                        for (String given : List.of("weights", "tokenizer")) {
                            if (r.has(node, given)) {
                                r.problem(p + "." + given, "the model trained from model.train brings its own "
                                        + "weights and tokenizer: leave " + given + " out");
                            }
                        }
                    }
                    Path weights = train == null && r.has(node, "weights") ? existingPath(node, p, "weights") : null;
                    String tokenizer = train == null && r.has(node, "tokenizer") ? tokenizer(node, p) : null;
                    String hook = r.text(node, p, "hook", null);
                    // An upstream DAG's output is the dataset: then the spec names none.
                    boolean upstream = r.has(node, "after");
                    if (upstream && r.has(node, "dataset")) {
                        r.problem(p + ".after", "the dataset comes from either 'dataset' or 'after', not both");
                    }
                    JsonNode datasetNode = node.get("dataset");
                    LanguageModelSpec.Corpus corpus = datasetNode != null && datasetNode.isObject()
                            ? LanguageModelSpecParser.corpus(r, base, datasetNode, p + ".dataset") : null;
                    if (corpus != null && tokenizer == null && train == null && modelNode != null
                            && !modelNode.isObject()) {
                        r.problem(p + ".dataset", "a corpus of text needs a tokenizer: set tokenizer:, or train the "
                                + "model here with model: {train: SPEC}");
                    }
                    String dataset = corpus != null ? describe(corpus)
                            : datasetNode != null && datasetNode.isObject() ? ""
                            : r.text(node, p, "dataset", upstream ? "" : null);
                    Path datasetPath = corpus != null || (datasetNode != null && datasetNode.isObject()) ? null
                            : datasetPath(dataset, p + ".dataset");
                    int context = r.intValue(node, p, "context_size", 128, 1, 1 << 20);
                    if (train != null && context > train.model().nCtx()) {
                        r.problem(p + ".context_size", context + " is longer than the trained model's n_ctx "
                                + train.model().nCtx());
                    }
                    boolean prependBos = r.bool(node, p, "prepend_bos", true);
                    boolean splitRows = r.bool(node, p, "split_rows", false);
                    long tokens = r.tokenCount(node, p, "tokens", null);
                    int batch = r.intValue(node, p, "batch_size", ActivationSourceSpec.Model.DEFAULT_BATCH_SIZE, 1,
                            1 << 16);
                    UpstreamDag after = upstream ? upstreamDag(node.get("after"), p + ".after") : null;
                    WeightProcessing processing = r.choice(node, p, "weight_processing", WeightProcessing.class,
                            WeightProcessing.NONE);
                    CacheDtype cacheDtype = r.choice(node, p, "cache_dtype", CacheDtype.class, CacheDtype.FLOAT32);
                    return new ActivationSourceSpec.Model(model, weights, tokenizer, dataset, datasetPath, hook,
                            context, prependBos, splitRows, tokens, batch, after, train, corpus, null, processing,
                            streaming(node, p, context, batch), cacheDtype);
                }
                case "" -> {
                    if (!node.isObject()) {
                        r.mapping(node, p, Set.of());
                    }
                    return null;
                }
                default -> {
                    r.problem(p + ".source", "expected one of synthetic, npy, model, got \"" + source + "\"");
                    return null;
                }
            }
        }

        /**
         * {@code stream: true} with its {@code buffer_tokens}, or {@code null} for a cache. The buffer holds whole
         * forward batches ({@code batch_size} contexts), so it must hold at least one.
         */
        ActivationSourceSpec.Streaming streaming(JsonNode node, String p, int context, int batch) {
            boolean stream = r.bool(node, p, "stream", false);
            if (stream && r.has(node, "cache_dtype")) {
                r.problem(p + ".cache_dtype", "a streamed source keeps no activation cache: leave cache_dtype out, "
                        + "or set stream: false");
            }
            if (!stream) {
                if (r.has(node, "buffer_tokens")) {
                    r.problem(p + ".buffer_tokens", "only a streamed source has a shuffle buffer: set stream: true, "
                            + "or leave buffer_tokens out");
                }
                return null;
            }
            long buffer = r.tokenCount(node, p, "buffer_tokens",
                    ActivationSourceSpec.Streaming.DEFAULT_BUFFER_TOKENS);
            long forwardBatch = (long) context * batch;
            if (buffer > 0 && buffer < forwardBatch) {
                r.problem(p + ".buffer_tokens", buffer + " is less than one forward batch (batch_size " + batch
                        + " contexts of " + context + " tokens = " + forwardBatch + "); raise buffer_tokens or lower "
                        + "batch_size");
            } else if (buffer > MAX_BUFFER_TOKENS) {
                r.problem(p + ".buffer_tokens", buffer + " is more than " + MAX_BUFFER_TOKENS + " rows, the most one "
                        + "shuffle buffer holds");
            }
            return new ActivationSourceSpec.Streaming(buffer);
        }

        List<Path> npyFiles(JsonNode node, String p) {
            List<Path> files = new ArrayList<>();
            if (node == null || !node.isArray() || node.isEmpty()) {
                r.problem(p, "expected a non-empty list of .npy files, got " + SpecNodeReader.describe(node));
                return files;
            }
            for (int i = 0; i < node.size(); i++) {
                String entry = p + "[" + i + "]";
                JsonNode item = node.get(i);
                if (!item.isTextual() || !item.asText().endsWith(".npy")) {
                    r.problem(entry, "expected a .npy file, got " + SpecNodeReader.describe(item));
                    continue;
                }
                Path path = resolve(item.asText(), entry);
                if (path != null && regularFile(path, entry)) {
                    files.add(path);
                }
            }
            return files;
        }

        /** The regular file a field names (a symlink to one counts); records why not otherwise. */
        Path existingFile(JsonNode mapping, String parent, String key) {
            String p = SpecNodeReader.path(parent, key);
            Path path = resolve(r.text(mapping, parent, key, null), p);
            return path != null && regularFile(path, p) ? path : null;
        }

        /** {@code model: {train: SPEC}}: the language-model spec, parsed and valid, or {@code null} after saying why. */
        LanguageModelSpec trainedModel(JsonNode node, String p) {
            if (!r.mapping(node, p, Set.of("train"))) {
                return null;
            }
            Path file = existingFile(node, p, "train");
            if (file == null) {
                return null;
            }
            try {
                return LanguageModelSpecParser.parse(file);
            } catch (SpecValidationException e) {
                r.problem(p + ".train", "the language-model spec is invalid: " + e.getMessage());
                return null;
            }
        }

        /** How a corpus dataset reads in messages and records: its source, and its folder where it names one. */
        static String describe(LanguageModelSpec.Corpus corpus) {
            return corpus.path() == null ? corpus.source().specName()
                    : corpus.source().specName() + ":" + corpus.path();
        }

        /** A directory or a regular file (never a device or a pipe) a field names; records why not otherwise. */
        Path existingPath(JsonNode mapping, String parent, String key) {
            String p = SpecNodeReader.path(parent, key);
            Path path = resolve(r.text(mapping, parent, key, null), p);
            if (path == null || Files.isDirectory(path)) {
                return path;
            }
            if (!Files.exists(path)) {
                r.problem(p, "not found: " + path);
                return null;
            }
            return regularFile(path, p) ? path : null;
        }

        /**
         * {@code gpt2}, or the resolved path of a tokenizer.json or a directory holding one, or of a model trained by
         * {@code saesplit lm train} (its GPT-2 vocabulary cut, in vocabulary.json).
         */
        String tokenizer(JsonNode node, String p) {
            String text = r.text(node, p, "tokenizer", null);
            if (text.strip().equalsIgnoreCase("gpt2")) {
                return "gpt2";
            }
            Path path = resolve(text, p + ".tokenizer");
            if (path == null) {
                return null;
            }
            Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
            if (Files.isDirectory(path) && !Files.exists(file)) {
                file = path.resolve("vocabulary.json");
            }
            if (!Files.isRegularFile(file)) {
                r.problem(p + ".tokenizer", "expected gpt2 or a tokenizer.json or vocabulary.json (or a directory "
                        + "holding one), but "
                        + file + " is not a file");
                return null;
            }
            return path.toString();
        }

        /** {@code activations.after}: an Airflow DAG whose output XCom names the dataset. */
        UpstreamDag upstreamDag(JsonNode node, String p) {
            r.mapping(node, p, Set.of("airflow_dag", "conf", "output_task", "output_xcom"));
            String dag = r.text(node, p, "airflow_dag", null);
            JsonNode conf = node.get("conf");
            if (conf != null && !conf.isObject()) {
                r.problem(p + ".conf", "expected a mapping of the DAG run's conf, got " + SpecNodeReader.describe(conf));
                conf = null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> values = conf == null ? Map.of()
                    : new ObjectMapper().convertValue(conf, Map.class);
            return new UpstreamDag(dag == null ? "" : dag, values, r.text(node, p, "output_task", null),
                    r.text(node, p, "output_xcom", "return_value"));
        }

        /**
         * The file or folder {@code dataset} names, or {@code null} when it is a bare name (no '/' and no dataset
         * extension) that names nothing: a spec may name its dataset before the files are downloaded.
         */
        Path datasetPath(String dataset, String p) {
            Path path = resolve(dataset, p);
            if (path == null || Files.isDirectory(path)) {
                return path;
            }
            if (Files.exists(path)) {
                return regularFile(path, p) ? path : null;
            }
            if (DATASET_PATH.matcher(dataset).matches()) {
                r.problem(p, "not found: " + path);
            }
            return null;
        }

        boolean regularFile(Path path, String p) {
            return r.regularFile(path, p);
        }

        /** {@code text} resolved against the spec's directory, or {@code null} after recording why it is no path. */
        Path resolve(String text, String p) {
            return r.resolve(base, text, p);
        }

        NarrowSaeSpec narrowSae(JsonNode node) {
            String p = "narrow_sae";
            if (node == null) {
                r.problem(p, "required field is missing");
                return null;
            }
            if (!r.mapping(node, p, NARROW)) {
                return null;
            }
            if (r.has(node, "path")) {
                Path path = resolve(r.text(node, p, "path", null), p + ".path");
                int declared = r.intValue(node, p, "width", 0, 0, Integer.MAX_VALUE);
                return new NarrowSaeSpec.Existing(path, savedWidth(path, declared, p));
            }
            int width = r.intValue(node, p, "width", null, 1, 1 << 24);
            long tokens = r.tokenCount(node, p, "tokens", null);
            long seed = r.integer(node, p, "seed", 0L, Long.MIN_VALUE, Long.MAX_VALUE);
            return new NarrowSaeSpec.Train(width, tokens, seed);
        }

        /**
         * The width of the SAE at {@code path} (a SAELens directory or a 1L-Sparse-Autoencoder {@code .pt}), read from
         * its config, or 0 after recording why there is none; a {@code declared} width (0: none) must agree with it.
         */
        int savedWidth(Path path, int declared, String p) {
            int width = path == null ? 0 : new SavedSaeWidth(r).of(path, p + ".path");
            if (declared > 0 && width > 0 && declared != width) {
                r.problem(p + ".width", "is " + declared + " but " + SavedSaeWidth.configOf(path) + " says "
                        + (SavedSaeWidth.isNeelFile(path) ? "" : "d_sae ") + width
                        + (SavedSaeWidth.isNeelFile(path) ? " latents" : ""));
            }
            return width;
        }

        TargetLatent targetLatent(JsonNode root, ActivationSourceSpec activations, NarrowSaeSpec narrow) {
            String p = "target_latent";
            JsonNode node = root.get(p);
            if ((node == null || node.isNull()) && (until == Until.NARROW || isAbsentOrEmpty(root.get("runs")))) {
                return null; // chosen later, from the trained narrow SAE's latents
            }
            if (node != null && node.isObject() && node.has("token")) {
                r.mapping(node, p, Set.of("token"));
                String token = r.text(node, p, "token", null);
                if (!(activations instanceof ActivationSourceSpec.Model)) {
                    r.problem(p, "{token: ...} names a token of a language model's vocabulary, which only a "
                            + "source: model has");
                }
                return new TargetLatent.Token(token);
            }
            if (node != null && node.isObject()) {
                r.mapping(node, p, Set.of("parent"));
                int parent = r.intValue(node, p, "parent", null, 0, Integer.MAX_VALUE);
                // An npy source's ground truth, if its folder holds one, is read when its files are checked.
                if (activations instanceof ActivationSourceSpec.Model) {
                    r.problem(p, "{parent: N} names a ground-truth feature, which a synthetic source has, or an npy "
                            + "source with ground_truth.json beside its files");
                } else if (activations instanceof ActivationSourceSpec.Synthetic synthetic
                        && parent >= synthetic.parents()) {
                    r.problem(p + ".parent", "must be below the source's " + synthetic.parents() + " parents, got "
                            + parent);
                }
                return new TargetLatent.MatchingParent(parent);
            }
            int index = r.intValue(root, "", p, null, 0, Integer.MAX_VALUE);
            if (narrow != null && narrow.width() > 0 && index >= narrow.width()) {
                r.problem(p, "must be below the narrow SAE's width " + narrow.width() + ", got " + index);
            }
            return new TargetLatent.Index(index);
        }

        TrainingSpec training(JsonNode node) {
            TrainingSpec d = TrainingSpec.DEFAULTS;
            String p = "training";
            if (node == null) {
                return d;
            }
            if (!r.mapping(node, p, TRAINING)) {
                return d;
            }
            return new TrainingSpec(
                    r.intValue(node, p, "batch_size", d.batchSize(), 1, 1 << 24),
                    r.number(node, p, "learning_rate", d.learningRate(), 0, 1, true),
                    r.number(node, p, "sparsity_coefficient", d.sparsityCoefficient(), 0, 1e6, false),
                    r.intValue(node, p, "lr_warmup_steps", d.lrWarmupSteps(), 0, Integer.MAX_VALUE),
                    r.intValue(node, p, "l1_warmup_steps", d.l1WarmupSteps(), 0, Integer.MAX_VALUE),
                    r.intValue(node, p, "lr_decay_steps", d.lrDecaySteps(), 0, Integer.MAX_VALUE),
                    r.intValue(node, p, "checkpoint_every", d.checkpointEvery(), 1, Integer.MAX_VALUE),
                    r.intValue(node, p, "log_every", d.logEvery(), 1, Integer.MAX_VALUE),
                    r.bool(node, p, "shared_stream", d.sharedStream()));
        }

        SplitCriteria split(JsonNode node) {
            SplitCriteria d = SplitCriteria.DEFAULTS;
            String p = "split";
            if (node == null || !r.mapping(node, p, SPLIT)) {
                return d;
            }
            int minChildren = r.intValue(node, p, "min_children", d.minChildren(), 2, 1 << 20);
            double minSpecificity = r.number(node, p, "min_specificity", d.minSpecificity(), 0, 1, false);
            double minRecall = r.number(node, p, "min_recall", d.minRecall(), 0, 1, false);
            double maxChildRecall = r.number(node, p, "max_child_recall", d.maxChildRecall(), 0, 1, false);
            if (maxChildRecall <= minRecall) {
                r.problem(p + ".max_child_recall", "must exceed min_recall (" + minRecall + "), or no latent can be "
                        + "a child");
            }
            double minCoverage = r.number(node, p, "min_coverage", d.minCoverage(), 0, 1, false);
            double maxJaccard = r.number(node, p, "max_child_jaccard", d.maxChildJaccard(), 0, 1, false);
            double maxOverlap = r.number(node, p, "max_child_overlap", d.maxChildOverlap(), 0, 1, false);
            List<SplitCriteria.Probe> probes = new ArrayList<>();
            JsonNode list = node.get("probes");
            if (list != null && !list.isArray()) {
                r.problem(p + ".probes", "expected a list, got " + SpecNodeReader.describe(list));
            } else if (list != null) {
                for (int i = 0; i < list.size(); i++) {
                    String q = p + ".probes[" + i + "]";
                    JsonNode probe = list.get(i);
                    if (!r.mapping(probe, q, PROBE)) {
                        continue;
                    }
                    String prompt = r.text(probe, q, "prompt", null);
                    String token = r.text(probe, q, "token", null);
                    if (!token.isEmpty() && !prompt.contains(token)) {
                        r.problem(q + ".token", "\"" + token + "\" does not occur in the prompt \"" + prompt + "\"");
                    }
                    SplitCriteria.Expectation expect = r.choice(probe, q, "expect", SplitCriteria.Expectation.class,
                            null);
                    double margin = r.number(probe, q, "margin", 2.0, 0, 1e6, true);
                    probes.add(new SplitCriteria.Probe(prompt, token, expect, margin));
                }
            }
            return new SplitCriteria(minChildren, minSpecificity, minRecall, maxChildRecall, minCoverage, maxJaccard,
                    maxOverlap, probes);
        }

        List<RunSpec> runs(JsonNode node, NarrowSaeSpec narrow) {
            List<RunSpec> runs = new ArrayList<>();
            if (isAbsentOrEmpty(node)) {
                return runs; // a run table with no rows stops at the narrow SAE
            }
            if (!node.isArray()) {
                r.problem("runs", "expected a list of run-table rows, got " + SpecNodeReader.describe(node));
                return runs;
            }
            Map<String, Integer> seen = new HashMap<>();
            for (int i = 0; i < node.size(); i++) {
                String q = "runs[" + i + "]";
                JsonNode row = node.get(i);
                if (!r.mapping(row, q, RUN)) {
                    continue;
                }
                RunSpec run = run(row, q, narrow);
                Integer first = seen.putIfAbsent(run.id(), i);
                if (first != null && !run.id().isEmpty()) {
                    r.problem(q + ".id", "duplicate run id \"" + run.id() + "\" (first used by runs[" + first + "])");
                }
                runs.add(run);
            }
            return runs;
        }

        private static boolean isAbsentOrEmpty(JsonNode runs) {
            return runs == null || runs.isNull() || runs.isArray() && runs.isEmpty();
        }

        RunSpec run(JsonNode row, String q, NarrowSaeSpec narrow) {
            String id = r.text(row, q, "id", null);
            if (!id.isEmpty() && !SpecNodeReader.NAME.matcher(id).matches()) {
                r.problem(q + ".id", "must be letters, digits, '.', '_' or '-', got \"" + id + "\"");
            }
            String purpose = r.text(row, q, "purpose", "");
            Path sae = r.has(row, "sae") ? resolve(r.text(row, q, "sae", null), q + ".sae") : null;
            // A row evaluating an existing SAE takes its width from the file; one given must agree with it.
            int width = sae != null ? savedWidth(sae, r.intValue(row, q, "width", 0, 0, 1 << 24), q)
                    : r.intValue(row, q, "width", null, 1, 1 << 24);
            long seed = r.integer(row, q, "seed", null, Long.MIN_VALUE, Long.MAX_VALUE);
            Init init = r.choice(row, q, "init", Init.class, null);
            boolean normalised = r.bool(row, q, "normalised", null);
            DataSelection data = r.choice(row, q, "data", DataSelection.class, null);
            LossChange loss = r.choice(row, q, "loss", LossChange.class, LossChange.STANDARD);
            long tokens = r.tokenCount(row, q, "tokens", null);
            String reported = r.text(row, q, "reported", "");
            if (sae == null && init == Init.NARROW && narrow != null && narrow.width() > 0 && width > 0
                    && width < narrow.width()) {
                r.problem(q + ".width", "init narrow copies the " + narrow.width() + "-latent narrow SAE, so width "
                        + "must be at least " + narrow.width() + ", got " + width);
            }
            if (loss == LossChange.ZERO_TARGET && init == Init.RANDOM) {
                r.problem(q + ".loss", "zero-target zeroes the copied target latent, so it needs init: narrow");
            }
            ArchitectureSpec architecture = architecture(row, q, sae != null, width, init, narrow);
            return new RunSpec(id, purpose, width, seed, init, normalised, data, loss, tokens, reported, sae,
                    architecture);
        }

        /**
         * The row's architecture and its settings, or null for ReLU with nothing set (so rows written before
         * architectures existed fingerprint as before). A field the architecture does not take is a problem, not
         * ignored: {@code k} on a ReLU row would otherwise be silently meaningless.
         */
        private ArchitectureSpec architecture(JsonNode row, String q, boolean existing, int width, Init init,
                                              NarrowSaeSpec narrow) {
            if (existing) {
                for (String field : List.of("architecture", "k", "groups", "l0_coefficient")) {
                    if (r.has(row, field)) {
                        r.problem(q + "." + field, "an existing SAE's cfg.json names its architecture; leave "
                                + field + " out of a row with sae");
                    }
                }
                return null;
            }
            Architecture name = r.choice(row, q, "architecture", Architecture.class, Architecture.RELU);
            Double k = null;
            if (name.takesK()) {
                double value = r.number(row, q, "k", null, 0, Double.MAX_VALUE, true);
                if (name == Architecture.TOPK && value != Math.rint(value)) {
                    r.problem(q + ".k", "topk keeps a whole number of latents per token, got " + value);
                } else if (width > 0 && value > width) {
                    r.problem(q + ".k", "must be at most the row's width " + width + ", got " + value);
                }
                k = value;
            } else if (r.has(row, "k")) {
                r.problem(q + ".k", name.specName() + " takes no k (topk, batchtopk and matryoshka do)");
            }
            List<Integer> groups = null;
            if (name == Architecture.MATRYOSHKA) {
                groups = groups(row, q, width, init, narrow);
            } else if (r.has(row, "groups")) {
                r.problem(q + ".groups", name.specName() + " takes no groups (matryoshka does)");
            }
            Double l0 = null;
            if (name == Architecture.JUMPRELU) {
                l0 = r.number(row, q, "l0_coefficient", ArchitectureSpec.DEFAULT_L0_COEFFICIENT, 0,
                        Double.MAX_VALUE, true);
            } else if (r.has(row, "l0_coefficient")) {
                r.problem(q + ".l0_coefficient", name.specName() + " takes no l0_coefficient (jumprelu does)");
            }
            return name == Architecture.RELU ? null : new ArchitectureSpec(name, k, groups, l0);
        }

        /**
         * Matryoshka's group sizes, innermost first: at least two, summing to the row's width; with init narrow the
         * innermost is the narrow SAE, so its size is the narrow width.
         */
        private List<Integer> groups(JsonNode row, String q, int width, Init init, NarrowSaeSpec narrow) {
            String p = q + ".groups";
            JsonNode list = row.get("groups");
            if (list == null || list.isNull()) {
                r.problem(p, "matryoshka needs its group sizes, innermost first, summing to the width (e.g. [32, 96])");
                return List.of();
            }
            if (!list.isArray() || list.size() < 2 || list.size() > MAX_MATRYOSHKA_GROUPS) {
                r.problem(p, "expected a list of 2 to " + MAX_MATRYOSHKA_GROUPS + " group sizes, got "
                        + SpecNodeReader.describe(list));
                return List.of();
            }
            List<Integer> groups = new ArrayList<>();
            long sum = 0;
            for (int i = 0; i < list.size(); i++) {
                JsonNode size = list.get(i);
                if (!size.isIntegralNumber() || !size.canConvertToInt() || size.intValue() < 1) {
                    r.problem(p + "[" + i + "]", "expected a whole number of latents, at least 1, got "
                            + SpecNodeReader.describe(size));
                    return List.of();
                }
                groups.add(size.intValue());
                sum += size.intValue();
            }
            if (width > 0 && sum != width) {
                r.problem(p, "sizes sum to " + sum + " but the row's width is " + width);
            }
            if (init == Init.NARROW && narrow != null && narrow.width() > 0 && groups.get(0) != narrow.width()) {
                r.problem(p + "[0]", "init narrow copies the narrow SAE into the innermost group, so it must be the "
                        + "narrow width " + narrow.width() + ", got " + groups.get(0));
            }
            return groups;
        }
    }
}
