package dev.saesplit.cli;

import dev.saesplit.bench.CachingBenchmark;
import dev.saesplit.bench.ExternalCommand;
import dev.saesplit.bench.PeerArchitecture;
import dev.saesplit.bench.PeerCheck;
import dev.saesplit.bench.StreamedGridBenchmark;
import dev.saesplit.bench.StreamingBenchmark;
import dev.saesplit.stack.ProjectRoot;
import dev.saesplit.train.GridBenchmark;
import dev.saesplit.train.TrainingBenchmark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code saesplit bench}: measurements of this machine that tell whether training runs as fast as it can. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure how fast this machine trains SAEs, caches activations, streams them and trains rows "
                + "together, and how well its SAEs recover known features against SAELens's.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Cache.class, BenchCommand.Stream.class,
                BenchCommand.Grid.class, BenchCommand.Peer.class})
public final class BenchCommand extends CommandGroup {

    /** What every bench subcommand does with its options and its measurement: checks them, prints one report. */
    abstract static class Measurement implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        /** Checks of this subcommand's options that end it with a usage error. */
        OptionChecks options() {
            return new OptionChecks(spec);
        }

        /** Prints {@code report} as this subcommand's output; the measurement is done. */
        int printed(String report) {
            spec.commandLine().getOut().println(report);
            return CommandLine.ExitCode.OK;
        }
    }

    /** {@code saesplit bench train}: training speed on both step paths, E, memory, and optionally SAELens. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Train an SAE until its L0 settles, then time the sparse-aware step and the dense step "
                    + "from the same state, and compare with this machine's fp32 matrix-multiply rate.",
                    "E = tokens/s × 12·d_in·d_sae / GEMM rate; the device comes from --device, -Dsaesplit.device "
                            + "or SAESPLIT_DEVICE (default cpu)."})
    public static final class Train extends Measurement {

        @picocli.CommandLine.Mixin
        DeviceOption device;

        @Option(names = "--d-in", defaultValue = "512", description = "activation width (default: ${DEFAULT-VALUE})")
        int dIn;

        @picocli.CommandLine.Mixin
        SaeShapeOptions shape;

        @Option(names = "--steps", defaultValue = "20",
                description = "timed steps per path (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--warmup-steps", defaultValue = "3",
                description = "untimed steps at least, more until L0 settles (default: ${DEFAULT-VALUE})")
        int warmupSteps;

        @Option(names = "--max-warmup-steps", defaultValue = "400",
                description = "untimed steps at most (default: ${DEFAULT-VALUE})")
        int maxWarmupSteps;

        @Option(names = "--data", defaultValue = "synthetic",
                description = "synthetic (a ground-truth feature hierarchy, realistic L0) or gaussian "
                        + "(default: ${DEFAULT-VALUE})")
        String data;

        @Option(names = "--architecture", defaultValue = "relu",
                description = "relu (decoder-norm-weighted L1), topk, batchtopk, matryoshka (BatchTopK with groups at "
                        + "a quarter, half and all of the latents) or jumprelu (default: ${DEFAULT-VALUE})")
        String architecture;

        @Option(names = {"--k", "-k"}, defaultValue = "32",
                description = "active latents per token of topk (a whole number), on average of batchtopk and "
                        + "matryoshka (default: ${DEFAULT-VALUE})")
        double k;

        @Option(names = "--compare-saelens",
                description = "also time SAELens's SAETrainer.step on the same shape and rows (installs SAELens "
                        + "into a cached environment on first use)")
        boolean compareSaeLens;

        @Override
        public Integer call() {
            device.requireUsable();
            OptionChecks options = options();
            options.requirePositive("--d-in", dIn, "--d-sae", shape.dSae, "--batch", shape.batch, "--steps", steps);
            options.require(k > 0, "--k must be positive, was " + k);
            options.require(warmupSteps >= 0 && maxWarmupSteps >= warmupSteps,
                    "need 0 <= --warmup-steps <= --max-warmup-steps, was " + warmupSteps + " and " + maxWarmupSteps);
            TrainingBenchmark.Data source = switch (data) {
                case "synthetic" -> TrainingBenchmark.Data.SYNTHETIC;
                case "gaussian" -> TrainingBenchmark.Data.GAUSSIAN;
                default -> throw new ParameterException(spec.commandLine(),
                        "--data must be synthetic or gaussian, was '" + data + "'");
            };
            TrainingBenchmark.Settings settings;
            try {
                settings = new TrainingBenchmark.Settings(dIn, shape.dSae, shape.batch, steps, warmupSteps,
                        maxWarmupSteps, source, architecture, k);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--architecture " + architecture + ": "
                        + e.getMessage());
            }
            Optional<TrainingBenchmark.ReferenceTrainer> reference = compareSaeLens
                    ? Optional.of(new SaeLensTrainingReference()) : Optional.empty();
            return printed(TrainingBenchmark.run(settings, reference).describe());
        }
    }

    /** {@code saesplit bench cache}: caching tokens/s on a gelu-1l-shaped model and its ratio to the GEMM rate. */
    @Command(name = "cache", mixinStandardHelpOptions = true,
            description = {"Cache activations of a random model of gelu-1l's shape (1 layer, d_model 512, d_mlp 2048, "
                    + "vocabulary 48262) at blocks.0.hook_mlp_out and compare the speed with this machine's fp32 "
                    + "matrix-multiply rate.",
                    "ratio = tokens/s × forward FLOPs per token / GEMM rate; the device comes from "
                            + "--device, -Dsaesplit.device or SAESPLIT_DEVICE (default cpu)."})
    public static final class Cache extends Measurement {

        @picocli.CommandLine.Mixin
        DeviceOption device;

        @Option(names = "--contexts", defaultValue = "256", description = "timed contexts (default: ${DEFAULT-VALUE})")
        int contexts;

        @Option(names = "--context-size", defaultValue = "128",
                description = "tokens per context (default: ${DEFAULT-VALUE})")
        int contextSize;

        @Option(names = "--batch", defaultValue = "32",
                description = "contexts per forward pass (default: ${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--warmup-batches", defaultValue = "2",
                description = "untimed batches first (default: ${DEFAULT-VALUE})")
        int warmupBatches;

        @Override
        public Integer call() {
            device.requireUsable();
            OptionChecks options = options();
            options.requirePositive("--contexts", contexts, "--context-size", contextSize, "--batch", batch);
            options.require(contextSize <= 1024 && warmupBatches >= 0,
                    "--context-size must be at most gelu-1l's n_ctx 1024 and --warmup-batches at least 0");
            return printed(CachingBenchmark.run(contexts, contextSize, batch, warmupBatches).describe());
        }
    }
    /** {@code saesplit bench stream}: training from activations streamed from the model against from a cache. */
    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = {"Cache and stream the same contexts of a random model of gelu-1l's shape at "
                    + "blocks.0.hook_mlp_out, check the rows are equal, and train an SAE from each for the same steps: "
                    + "tokens/s over one epoch from the cache and from the stream, in one run.",
                    "The device comes from -Dsaesplit.device or SAESPLIT_DEVICE (default cpu)."})
    public static final class Stream extends Measurement {

        @picocli.CommandLine.Mixin
        ModelContextsOptions model;

        @picocli.CommandLine.Mixin
        SaeShapeOptions shape;

        @Override
        public Integer call() {
            options().requirePositive("--d-sae", shape.dSae, "--batch", shape.batch);
            model.requireValid(shape.batch);
            return printed(StreamingBenchmark.run(model.contexts, model.contextSize, model.forwardBatch, shape.dSae,
                    shape.batch).describe());
        }
    }

    /** {@code saesplit bench grid}: rows trained together from one stream against the same rows one by one. */
    @Command(name = "grid", mixinStandardHelpOptions = true,
            description = {"Train --rows SAEs together from one data stream (each batch read once, as "
                    + "training.shared_stream does) and the same rows one by one, each reading the activations "
                    + "itself, in one run; print rows × tokens/s for both and their ratio.",
                    "Reads an activations directory (--activations: a cache, or whatever an experiment's activations "
                            + "artifact holds), or writes a synthetic cache of --tokens rows first.",
                    "With --from-model, writes a random model of gelu-1l's shape, its stream and its cache of the "
                            + "same --contexts (as bench stream does) and trains one epoch of them: the rows together "
                            + "from the stream, one by one from the cache; prints the forward passes each ran."})
    public static final class Grid extends Measurement {

        @Option(names = "--rows", defaultValue = "3", description = "SAEs trained (default: ${DEFAULT-VALUE})")
        int rows;

        @Option(names = "--d-in", defaultValue = "512",
                description = "width of the synthetic cache (default: ${DEFAULT-VALUE})")
        int dIn;

        @picocli.CommandLine.Mixin
        SaeShapeOptions shape;

        @Option(names = "--steps", defaultValue = "10",
                description = "timed steps per row (default: ${DEFAULT-VALUE}; with --from-model, one epoch)")
        int steps;

        @Option(names = "--warmup-steps", defaultValue = "2",
                description = "untimed steps first (default: ${DEFAULT-VALUE})")
        int warmupSteps;

        @Option(names = "--tokens", defaultValue = "65536",
                description = "rows of the synthetic cache (default: ${DEFAULT-VALUE})")
        int tokens;

        @Option(names = "--activations", description = "an activations directory to read instead of a synthetic cache")
        Path activations;

        @Option(names = "--one-by-one-activations",
                description = "what the rows read one by one, when not --activations (a cache of the same activations)")
        Path oneByOneActivations;

        @Option(names = "--from-model",
                description = "the rows together read a model's stream, one by one a cache of the same contexts")
        boolean fromModel;

        @picocli.CommandLine.Mixin
        ModelContextsOptions model;

        @Override
        public Integer call() throws java.io.IOException {
            OptionChecks options = options();
            options.requirePositive("--rows", rows, "--d-in", dIn, "--d-sae", shape.dSae, "--batch", shape.batch,
                    "--steps", steps, "--tokens", tokens);
            options.require(warmupSteps >= 0, "--warmup-steps must be at least 0");
            if (fromModel) {
                return fromModel();
            }
            refuse(new String[] {"--contexts", "--context-size", "--forward-batch"}, "needs --from-model");
            GridBenchmark.Settings settings = new GridBenchmark.Settings(rows, shape.dSae, shape.batch, steps,
                    warmupSteps);
            if (activations != null) {
                return printed(GridBenchmark.run(settings, activations,
                        oneByOneActivations == null ? activations : oneByOneActivations).describe());
            }
            Path root = TrainingBenchmark.temporaryDirectory();
            try {
                Path cache = GridBenchmark.writeSyntheticCache(Files.createDirectory(root.resolve("cache")), dIn,
                        shape.dSae, tokens);
                return printed(GridBenchmark.run(settings, cache).describe());
            } finally {
                TrainingBenchmark.deleteQuietly(root);
            }
        }

        private int fromModel() {
            refuse(new String[] {"--activations", "--one-by-one-activations", "--tokens", "--d-in", "--steps"},
                    "does not apply with --from-model, which trains one epoch of --contexts of the model's "
                            + "activations (width 512)");
            model.requireValid(shape.batch);
            return printed(StreamedGridBenchmark.run(model.contexts, model.contextSize, model.forwardBatch, rows,
                    shape.dSae, shape.batch, warmupSteps).describe());
        }

        private void refuse(String[] options, String why) {
            for (String option : options) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new ParameterException(spec.commandLine(), option + " " + why);
                }
            }
        }
    }

    /** {@code saesplit bench peer}: feature recovery against SAELens's trainer on SAELens's synthetic data. */
    @Command(name = "peer", mixinStandardHelpOptions = true,
            description = {"Draw activations with known features using SAELens's synthetic toolkit, train each "
                    + "architecture with saesplit's trainer and with SAELens's on the same rows in the same order at "
                    + "the same settings, and score both with the toolkit's eval_sae_on_synthetic_data.",
                    "Prints L0, MCC and F1 per side and their difference; PASS where the mean MCC and F1 over the "
                            + "seeds are within 0.02 of SAELens's on every architecture, else FAIL and exit code 1. "
                            + "Installs SAELens into a cached environment on first use."})
    public static final class Peer extends Measurement {

        private static final PeerCheck.Settings DEFAULTS = PeerCheck.Settings.BENCH;

        @Option(names = "--architecture", description = "one of ${COMPLETION-CANDIDATES} (default: all)",
                completionCandidates = ArchitectureNames.class)
        String architecture;

        @Option(names = "--features", description = "ground-truth features (default: ${DEFAULT-VALUE})")
        int features = DEFAULTS.features();

        @Option(names = "--d-in", description = "activation width (default: ${DEFAULT-VALUE})")
        int dIn = DEFAULTS.dIn();

        @Option(names = "--d-sae", description = "latents (default: ${DEFAULT-VALUE})")
        int dSae = DEFAULTS.dSae();

        @Option(names = "--tokens", description = "rows drawn for training, cycled (default: ${DEFAULT-VALUE})")
        int tokens = DEFAULTS.tokens();

        @Option(names = "--batch", description = "rows per step (default: ${DEFAULT-VALUE})")
        int batch = DEFAULTS.batchSize();

        @Option(names = "--steps", description = "training steps (default: ${DEFAULT-VALUE})")
        int steps = DEFAULTS.steps();

        @Option(names = "--lr", description = "learning rate (default: ${DEFAULT-VALUE})")
        double learningRate = DEFAULTS.learningRate();

        @Option(names = "--lr-warmup-steps", description = "linear learning-rate warm-up (default: ${DEFAULT-VALUE})")
        int lrWarmupSteps = DEFAULTS.lrWarmupSteps();

        @Option(names = "--l1-coefficient", description = "λ of the L1 penalty, standard (default: ${DEFAULT-VALUE})")
        double l1Coefficient = DEFAULTS.l1Coefficient();

        @Option(names = "--l0-coefficient", description = "λ of the L0 penalty, jumprelu (default: ${DEFAULT-VALUE})")
        double l0Coefficient = DEFAULTS.l0Coefficient();

        @Option(names = "--l1-warmup-steps", description = "linear λ warm-up (default: ${DEFAULT-VALUE})")
        int l1WarmupSteps = DEFAULTS.l1WarmupSteps();

        @Option(names = {"--k", "-k"}, description = "latents per token, topk (default: ${DEFAULT-VALUE})")
        int k = DEFAULTS.k();

        @Option(names = "--seeds", description = "SAEs per side and architecture (default: ${DEFAULT-VALUE})")
        int seeds = DEFAULTS.seeds();

        @Option(names = "--own-init",
                description = "each side draws its own initial weights (default: both start from the same draw)")
        boolean ownInit;

        @Option(names = "--eval-samples", description = "fresh draws each SAE is scored on (default: ${DEFAULT-VALUE})")
        int evalSamples = DEFAULTS.evalSamples();

        @Option(names = "--seed", description = "seed of the synthetic model and its rows (default: ${DEFAULT-VALUE})")
        long seed = DEFAULTS.dataSeed();

        @Override
        public Integer call() {
            OptionChecks options = options();
            options.requirePositive("--features", features, "--d-in", dIn, "--d-sae", dSae, "--tokens", tokens,
                    "--batch", batch, "--steps", steps, "--k", k, "--seeds", seeds, "--eval-samples", evalSamples);
            options.require(tokens >= batch, "--tokens must hold at least one --batch, was " + tokens + " and "
                    + batch);
            options.require(k <= dSae, "--k must be at most --d-sae, was " + k + " and " + dSae);
            options.require(lrWarmupSteps >= 0 && l1WarmupSteps >= 0, "warm-up steps must be at least 0");
            options.require(learningRate > 0 && l1Coefficient >= 0 && l0Coefficient >= 0,
                    "--lr must be positive, --l1-coefficient and --l0-coefficient at least 0");
            options.require(architecture == null || PeerArchitecture.names().contains(architecture),
                    "--architecture must be one of " + PeerArchitecture.names() + ", was '" + architecture + "'");
            List<PeerArchitecture> architectures = architecture == null ? PeerArchitecture.ALL
                    : List.of(PeerArchitecture.named(architecture));
            PeerCheck.Settings settings = new PeerCheck.Settings(features, dIn, dSae, tokens, batch, steps,
                    learningRate, lrWarmupSteps, l1Coefficient, l0Coefficient, l1WarmupSteps, k, seeds, !ownInit,
                    evalSamples, seed);
            Path root = ProjectRoot.get();
            Path python = Path.of(ExternalCommand.lastLineShowingErrors(List.of("bash",
                    root.resolve("infra/saelens-env.sh").toString()), Duration.ofMinutes(30)));
            PeerCheck.Result result = PeerCheck.run(settings, architectures, python,
                    root.resolve("infra/saelens_peer_check.py"));
            printed(result.describe());
            return result.passes() ? CommandLine.ExitCode.OK : CommandLine.ExitCode.SOFTWARE;
        }

        /** The architectures {@code --architecture} takes, for its help text. */
        static final class ArchitectureNames implements Iterable<String> {
            @Override
            public java.util.Iterator<String> iterator() {
                return PeerArchitecture.names().iterator();
            }
        }
    }
}
