package dev.saesplit.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.train.AdamSettings;
import dev.saesplit.train.DeadLatentPolicy;
import dev.saesplit.train.SaeTrainer;
import dev.saesplit.train.TrainerConfig;
import dev.saesplit.train.TrainingBenchmark;
import dev.saesplit.train.TrainingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The peer check against SAELens on data neither side wrote: SAELens's synthetic toolkit draws activations from
 * ground-truth features; saesplit's trainer (here, in this JVM) and SAELens's {@code SAETrainer} (in the SAELens
 * environment, {@code infra/saelens_peer_check.py}) train each architecture on the same rows in the same order, from
 * the same initial weights, at the same settings; the toolkit's own {@code eval_sae_on_synthetic_data} scores every
 * SAE on the same fresh draws. saesplit passes where its mean MCC and F1 over the seeds are within
 * {@link #TOLERANCE} of SAELens's.
 */
public final class PeerCheck {

    /** The largest difference in mean MCC or F1 that passes. */
    public static final double TOLERANCE = 0.02;
    /** SAELens's initial decoder row norm ({@code decoder_init_norm}), which both sides start from. */
    static final double DECODER_INIT_NORM = KaimingInitializer.DEFAULT_DECODER_NORM;
    /** SAELens clips the global gradient norm at 1 on every step (a constant in {@code SAETrainer}). */
    static final double MAX_GRADIENT_NORM = 1.0;
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(60);
    private static final String MODEL_NAME = "sae_lens.synthetic";
    private static final String HOOK_NAME = "hidden";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PeerCheck() {
    }

    /**
     * What both sides share. Seeds 1..{@code seeds} each give one pair of SAEs, which start from the same weights
     * where {@code sharedInit}: saesplit's draw of SAELens's initialisation, so the pair differs only by its
     * trainer; otherwise each side draws its own (torch's generator against saesplit's), and the seed-to-seed
     * spread enters the difference.
     *
     * @param features       ground-truth features of the synthetic model
     * @param tokens         rows drawn for training (cycled; whole batches only)
     * @param l1Coefficient  λ of the decoder-norm-weighted L1 penalty (standard)
     * @param l0Coefficient  λ of the step L0 penalty (JumpReLU), warmed up over {@code l1WarmupSteps} as well
     * @param k              latents per token (TopK)
     * @param evalSamples    fresh draws every SAE is scored on
     * @param dataSeed       seed of the synthetic model, the training rows, and (+1) the evaluation draws
     */
    public record Settings(int features, int dIn, int dSae, int tokens, int batchSize, int steps, double learningRate,
                           int lrWarmupSteps, double l1Coefficient, double l0Coefficient, int l1WarmupSteps, int k,
                           int seeds,
                           boolean sharedInit, int evalSamples, long dataSeed) {

        /** {@code saesplit bench peer}'s defaults. */
        public static final Settings BENCH = new Settings(256, 64, 256, 262_144, 512, 3_000, 3e-3, 0, 1.0, 1.0, 300, 4,
                3, true, 100_000, 7);

        public Settings {
            require(features > 0 && dIn > 0 && dSae > 0 && batchSize > 0 && steps > 0 && seeds > 0
                    && evalSamples > 0 && k > 0, "features, d_in, d_sae, batch, steps, seeds, eval samples and k "
                    + "must be positive");
            require(tokens >= batchSize, "tokens (" + tokens + ") must hold at least one batch of " + batchSize);
            require(lrWarmupSteps >= 0 && l1WarmupSteps >= 0, "warm-up steps must be at least 0");
            require(learningRate > 0 && l1Coefficient >= 0 && l0Coefficient >= 0,
                    "learning rate must be positive and λ at least 0");
            require(k <= dSae, "k (" + k + ") must be at most d_sae (" + dSae + ")");
        }

        private static void require(boolean holds, String message) {
            if (!holds) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    /** What the toolkit's eval reports for one SAE. */
    public record Score(double l0, double mcc, double f1, double explainedVariance, int deadLatents) {
    }

    /** One architecture's SAEs, seed by seed, on both sides. */
    public record ArchitectureResult(PeerArchitecture architecture, List<Score> saesplit, List<Score> saeLens) {

        public double mccDifference() {
            return PeerStatistics.mean(saesplit, Score::mcc) - PeerStatistics.mean(saeLens, Score::mcc);
        }

        public double f1Difference() {
            return PeerStatistics.mean(saesplit, Score::f1) - PeerStatistics.mean(saeLens, Score::f1);
        }

        public boolean passes() {
            return Math.abs(mccDifference()) <= TOLERANCE && Math.abs(f1Difference()) <= TOLERANCE;
        }
    }

    /**
     * @param trueL0          mean features firing per drawn row
     * @param versions        SAELens's and torch's versions
     * @param saesplitSeconds wall time of saesplit's training, all architectures and seeds
     * @param saeLensSeconds  the same for SAELens's, its interpreter's start included
     */
    public record Result(Settings settings, double trueL0, String versions, List<ArchitectureResult> architectures,
                         double saesplitSeconds, double saeLensSeconds) {

        public boolean passes() {
            return architectures.stream().allMatch(ArchitectureResult::passes);
        }

        public String describe() {
            return PeerCheckReport.describe(this);
        }
    }

    /**
     * Runs the check for {@code architectures}.
     *
     * @param python the SAELens environment's interpreter
     * @param script {@code infra/saelens_peer_check.py}
     */
    public static Result run(Settings settings, List<PeerArchitecture> architectures, Path python, Path script) {
        Path root = TrainingBenchmark.temporaryDirectory();
        try {
            Sides sides = new Sides(settings, python, script, root);
            JsonNode drawn = sides.saeLens("draw", sides.data.toString(), json(Map.of("features", settings.features(),
                    "d_in", settings.dIn(), "tokens", settings.tokens(), "seed", settings.dataSeed())));
            for (PeerArchitecture architecture : architectures) {
                sides.train(architecture);
            }
            Map<Path, Score> scores = sides.score();
            List<ArchitectureResult> results = new ArrayList<>();
            for (PeerArchitecture architecture : architectures) {
                List<Score> ours = new ArrayList<>();
                List<Score> theirs = new ArrayList<>();
                for (int seed = 1; seed <= settings.seeds(); seed++) {
                    ours.add(scores.get(sides.saesplitSae(architecture, seed)));
                    theirs.add(scores.get(sides.saeLensSae(architecture, seed)));
                }
                results.add(new ArchitectureResult(architecture, ours, theirs));
            }
            return new Result(settings, drawn.get("true_l0").asDouble(), "SAELens " + drawn.get("sae_lens").asText()
                    + ", torch " + drawn.get("torch").asText(), results, sides.saesplitSeconds, sides.saeLensSeconds);
        } finally {
            TrainingBenchmark.deleteQuietly(root);
        }
    }

    /** Both trainers in one working directory: the drawn data, and per architecture each seed's SAEs. */
    private static final class Sides {

        private final Settings settings;
        private final Path python;
        private final Path script;
        private final Path root;
        private final Path data;
        private final List<Path> trained = new ArrayList<>();
        private double saesplitSeconds;
        private double saeLensSeconds;

        Sides(Settings settings, Path python, Path script, Path root) {
            this.settings = settings;
            this.python = python;
            this.script = script;
            this.root = root;
            this.data = root.resolve("data");
        }

        Path saesplitSae(PeerArchitecture architecture, int seed) {
            return root.resolve(architecture.name()).resolve("saesplit-" + seed);
        }

        Path saeLensSae(PeerArchitecture architecture, int seed) {
            return root.resolve(architecture.name()).resolve("saelens-" + seed);
        }

        /** SAELens's trainer on every seed (one interpreter), then saesplit's. */
        void train(PeerArchitecture architecture) {
            Path rows = data.resolve("activations.npy");
            List<Map<String, Object>> runs = new ArrayList<>();
            for (int seed = 1; seed <= settings.seeds(); seed++) {
                Map<String, Object> run = new LinkedHashMap<>(Map.of("seed", seed,
                        "out", saeLensSae(architecture, seed).toString()));
                if (settings.sharedInit()) {
                    Path initial = root.resolve(architecture.name()).resolve("initial-" + seed);
                    SaeLensFormat.write(initial, initialWeights(settings, architecture, seed),
                            new float[settings.dSae()]);
                    run.put("initial", initial.toString());
                }
                runs.add(run);
            }
            long start = System.nanoTime();
            saeLens("train", json(saeLensTraining(settings, architecture, rows, runs)));
            saeLensSeconds += (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            for (int seed = 1; seed <= settings.seeds(); seed++) {
                trainSaesplit(settings, architecture, rows, initialWeights(settings, architecture, seed), seed,
                        saesplitSae(architecture, seed));
            }
            saesplitSeconds += (System.nanoTime() - start) / 1e9;
            for (int seed = 1; seed <= settings.seeds(); seed++) {
                trained.add(saesplitSae(architecture, seed));
                trained.add(saeLensSae(architecture, seed));
            }
        }

        /** Every SAE trained so far, scored by the toolkit on the same fresh draws. */
        Map<Path, Score> score() {
            JsonNode scored = saeLens("eval", data.resolve("synthetic_model").toString(),
                    json(Map.of("saes", trained.stream().map(Path::toString).toList(),
                            "samples", settings.evalSamples(), "seed", settings.dataSeed() + 1)));
            Map<Path, Score> scores = new LinkedHashMap<>();
            for (JsonNode sae : scored) {
                scores.put(Path.of(sae.get("sae").asText()), new Score(sae.get("sae_l0").asDouble(),
                        sae.get("mcc").asDouble(), sae.get("classification").get("f1_score").asDouble(),
                        sae.get("explained_variance").asDouble(), sae.get("dead_latents").asInt()));
            }
            return scores;
        }

        /** Runs a mode of {@code infra/saelens_peer_check.py}; its result is the JSON of its last output line. */
        JsonNode saeLens(String... args) {
            List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
            command.addAll(List.of(args));
            String line = ExternalCommand.lastLine(command, SCRIPT_TIMEOUT);
            try {
                return JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(script.getFileName() + " " + args[0] + " printed no result line "
                        + "but '" + line + "'", e);
            }
        }
    }

    /** SAELens's initialisation (Kaiming-uniform decoder rows at norm 0.1, W_enc = W_decᵀ, zero biases), seeded. */
    static SaeWeights initialWeights(Settings settings, PeerArchitecture architecture, long seed) {
        return KaimingInitializer.initialize(SaeConfig.of(settings.dIn(), settings.dSae(),
                architecture.saesplit().apply(settings), MODEL_NAME, HOOK_NAME), DECODER_INIT_NORM, seed);
    }

    /**
     * saesplit's trainer at SAELens's settings: constant learning rate after its warm-up, no decay, Adam with torch's
     * defaults, gradient norm clipped at 1, decoder free (its norm weights the L1 penalty), no resampling, SAELens's
     * dead-feature window for AuxK.
     */
    static TrainerConfig trainerConfig(Settings settings, PeerArchitecture architecture, long seed) {
        return TrainerConfig.builder(settings.steps())
                .learningRate(settings.learningRate())
                .lrWarmupSteps(settings.lrWarmupSteps())
                .lrDecaySteps(0)
                .sparsityCoefficient(architecture.sparsityCoefficient().applyAsDouble(settings))
                .l1WarmupSteps(settings.l1WarmupSteps())
                .adam(AdamSettings.DEFAULTS)
                .maxGradientNorm(MAX_GRADIENT_NORM)
                .unitNormDecoder(false)
                .noZeroTarget()
                .deadLatents(DeadLatentPolicy.DEFAULTS)
                .logEvery(settings.steps())
                .checkpointEvery(settings.steps())
                .seed(seed)
                .deadFeatureWindow(TrainerConfig.DEFAULT_DEAD_FEATURE_WINDOW)
                .build();
    }

    private static void trainSaesplit(Settings settings, PeerArchitecture architecture, Path rows, SaeWeights initial,
                                      long seed, Path out) {
        try (InOrderBatchStream stream = new InOrderBatchStream(NpyActivationSource.open(List.of(rows)),
                settings.batchSize());
             SaeTrainer trainer = SaeTrainer.start(trainerConfig(settings, architecture, seed), initial, stream,
                     TrainingListener.NONE, Optional.empty())) {
            trainer.run();
            trainer.saveSae(out);
        }
    }

    private static Map<String, Object> saeLensTraining(Settings settings, PeerArchitecture architecture, Path rows,
                                                       List<Map<String, Object>> runs) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("activations", rows.toString());
        params.put("batch", settings.batchSize());
        params.put("steps", settings.steps());
        params.put("lr", settings.learningRate());
        params.put("lr_warm_up_steps", settings.lrWarmupSteps());
        params.put("adam_beta1", AdamSettings.DEFAULTS.beta1());
        params.put("adam_beta2", AdamSettings.DEFAULTS.beta2());
        params.put("dead_feature_window", TrainerConfig.DEFAULT_DEAD_FEATURE_WINDOW);
        params.put("architecture", architecture.saeLensArchitecture());
        params.put("d_sae", settings.dSae());
        params.put("sae", architecture.saeLensConfig().apply(settings));
        params.put("runs", runs);
        return params;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
