package dev.saesplit.train;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.BatchStream;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.data.TeeBatchStream;
import dev.saesplit.data.cache.ActivationCacheWriter;
import dev.saesplit.data.cache.CacheDescription;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.read.StageInputs;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * One run, two ways to train the same rows: together from one stream (each batch read once, every row stepped on
 * it, as {@code training.shared_stream} trains them) and one by one, each row reading the activations itself. Both
 * read whatever {@link dev.saesplit.data.ActivationSources#open} opens, so the one-pass side reads a stream wherever the activations
 * artifact is one. Figures are rows × tokens / s; their ratio, taken in one run, is what the machine's noise leaves
 * comparable.
 */
public final class GridBenchmark {

    /**
     * @param rows   SAEs trained, each with its own seed (its initialisation and, one by one, its data order)
     * @param dSae   latents of each SAE
     * @param batch  tokens per step
     * @param steps  timed steps per row
     * @param warmup untimed steps of one row first (the JIT, first touch of the source)
     */
    public record Settings(int rows, int dSae, int batch, int steps, int warmup) {
    }

    /**
     * @param dIn              activation width
     * @param tokens           rows of the activations read
     * @param togetherSeconds  the grid's steps, all rows together
     * @param oneByOneSeconds  the same steps, row after row, summed
     * @param togetherBatches  batches the grid read from its stream
     * @param oneByOneBatches  batches the rows read from their own streams, summed
     */
    public record Result(Settings settings, int dIn, long tokens, double togetherSeconds, double oneByOneSeconds,
                         long togetherBatches, long oneByOneBatches) {

        double rowTokens() {
            return (double) settings.rows() * settings.steps() * settings.batch();
        }

        public double togetherRate() {
            return rowTokens() / togetherSeconds;
        }

        public double oneByOneRate() {
            return rowTokens() / oneByOneSeconds;
        }

        public String describe() {
            Settings s = settings;
            return String.format(Locale.ROOT, """
                    grid of %d rows: d_in=%d d_sae=%d batch=%d, %d timed steps per row, activations of %,d tokens
                    one pass      %,12.0f rows × tokens/s   %d batches read
                    row by row    %,12.0f rows × tokens/s   %d batches read
                    ratio         %.2f× (one pass over row by row, same run)""",
                    s.rows(), dIn, s.dSae(), s.batch(), s.steps(), tokens, togetherRate(), togetherBatches,
                    oneByOneRate(), oneByOneBatches, togetherRate() / oneByOneRate());
        }
    }

    private GridBenchmark() {
    }

    /** Trains {@code settings.rows()} SAEs on the activations in {@code activations} both ways and times them. */
    public static Result run(Settings settings, Path activations) {
        return run(settings, activations, activations);
    }

    /**
     * As above, the rows together reading {@code together} (a stream, say) and one by one reading {@code oneByOne}
     * (a cache of the same activations, say).
     */
    public static Result run(Settings settings, Path together, Path oneByOne) {
        try (ActivationSource oneByOneSource = StageInputs.activations(oneByOne);
             ActivationSource togetherSource = StageInputs.activations(together)) {
            return run(settings, togetherSource,
                    seed -> StageInputs.shuffleConfig(together, settings.batch(), seed, togetherSource.dIn()),
                    oneByOneSource);
        }
    }

    /**
     * As above on opened sources: the rows together read {@code together} in the shuffle {@code togetherShuffle}
     * gives for a seed (a stream's own, say), the rows one by one {@code oneByOne}, each in a cache's shuffle. The
     * rows one by one run first, after the warm-up; the sources stay open.
     */
    public static Result run(Settings settings, ActivationSource together, LongFunction<ShuffleConfig> togetherShuffle,
                             ActivationSource oneByOne) {
        double oneByOneSeconds = 0;
        long oneByOneBatches = 0;
        if (settings.warmup() > 0) {
            trainAlone(settings, oneByOne, 0, settings.warmup());
        }
        for (int row = 0; row < settings.rows(); row++) {
            oneByOneSeconds += trainAlone(settings, oneByOne, row, settings.steps());
            oneByOneBatches += settings.steps();
        }
        int dIn = together.dIn();
        try (ShuffledBatchStream stream = new ShuffledBatchStream(together, togetherShuffle.apply(seed(0)))) {
            TeeBatchStream tee = new TeeBatchStream(stream);
            List<SaeTrainer> trainers = new ArrayList<>();
            try {
                for (int row = 0; row < settings.rows(); row++) {
                    trainers.add(trainer(settings, dIn, row, settings.steps(), tee.view()));
                }
                long start = System.nanoTime();
                LockstepTraining.run(trainers, Long.MAX_VALUE, new LockstepTraining.Events() {
                    @Override
                    public void finished(int member, SaeTrainer trainer) {
                    }

                    @Override
                    public void checkpoint(long step, Map<Integer, SaeTrainer> running) {
                    }
                });
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Result(settings, dIn, together.tokens(), seconds, oneByOneSeconds, tee.batchesRead(),
                        oneByOneBatches);
            } finally {
                trainers.forEach(SaeTrainer::close);
            }
        }
    }

    /** Seconds for {@code steps} steps of row {@code row}, reading the activations in its own data order. */
    private static double trainAlone(Settings settings, ActivationSource source, int row, int steps) {
        try (ShuffledBatchStream stream = new ShuffledBatchStream(source,
                ShuffleConfig.forWidth(settings.batch(), seed(row), source.dIn()));
             SaeTrainer trainer = trainer(settings, source.dIn(), row, steps, stream)) {
            long start = System.nanoTime();
            trainer.run();
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static SaeTrainer trainer(Settings settings, int dIn, int row, int steps, BatchStream data) {
        TrainerConfig config = TrainerConfig.builder(steps).learningRate(4e-4).lrWarmupSteps(1).l1WarmupSteps(1)
                .sparsityCoefficient(5.0).logEvery(Math.max(1, steps)).seed(seed(row)).build();
        SaeWeights initial = KaimingInitializer.initialize(
                SaeConfig.of(dIn, settings.dSae(), new StandardArchitecture(), "bench", "grid"),
                KaimingInitializer.DEFAULT_DECODER_NORM, seed(row));
        return SaeTrainer.start(config, initial, data, TrainingListener.NONE, Optional.empty());
    }

    private static long seed(int row) {
        return 40L + row;
    }

    /**
     * Writes an activation cache of {@code tokens} rows of a synthetic feature hierarchy (about 24 of
     * {@code features} firing per token) into the empty directory {@code directory}.
     */
    public static Path writeSyntheticCache(Path directory, int dIn, int features, int tokens) {
        float[] rows = SyntheticHierarchy.activations(SyntheticHierarchyConfig.of(dIn, features,
                Math.max(1, features / 64), 4, 24.0 / features, tokens, 7), tokens);
        try (ActivationCacheWriter writer = ActivationCacheWriter.create(directory,
                new CacheDescription("synthetic-hierarchy", "bench", dIn), 256L << 20)) {
            writer.append(rows, new int[tokens], new int[tokens], tokens);
            writer.finish();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark's activation cache in " + directory, e);
        }
    }
}
