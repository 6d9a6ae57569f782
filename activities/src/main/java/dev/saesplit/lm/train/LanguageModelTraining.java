package dev.saesplit.lm.train;

import ai.djl.ndarray.NDManager;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.spec.LanguageModelSpec;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Trains the language model a {@link LanguageModelSpec} describes, once per machine: the output is
 * content-addressed on the corpus (every file's name, size and contents), the spec's weight-determining settings
 * and this code's version, so a second request reuses the model. Checkpoints go to the key's durable work
 * directory, so a training that was killed resumes from its newest checkpoint when asked again, by the
 * command line or by the activity's retry.
 */
public final class LanguageModelTraining {

    public static final String KIND = "lm";
    /** Bumped when the trained weights change. 1: the first trainer. */
    static final int CODE_VERSION = 1;

    /**
     * A trained model.
     *
     * @param reused whether it was found already trained rather than trained now
     */
    public record Trained(ArtifactRef artifact, TrainingReport report, boolean reused) {

        public Path directory() {
            return ArtifactStore.directory(artifact);
        }
    }

    private final ArtifactStore store;
    private final int logEvery;

    /** @param logEvery steps between progress reports to the listener */
    public LanguageModelTraining(ArtifactStore store, int logEvery) {
        this.store = store;
        this.logEvery = logEvery;
    }

    /** The content key of what {@code spec} trains on a corpus with {@code corpusIdentity}. */
    static String outputKey(LanguageModelSpec spec, String corpusIdentity) {
        LanguageModelSpec.Training t = spec.training();
        return OutputKey.of("lm-train", CODE_VERSION, spec.name(), corpusIdentity, spec.model(),
                new WeightDeterminingSettings(t.steps(), t.batchSize(), t.learningRate(), t.warmupSteps(),
                        t.minLrFraction(), t.gradientClip(), t.seed(), t.evalContexts()));
    }

    /** What reaches the weights (and the reported held-out loss); checkpoint and evaluation cadence do not. */
    private record WeightDeterminingSettings(int steps, int batchSize, double learningRate, int warmupSteps,
                                             double minLrFraction, double gradientClip, long seed,
                                             int evalContexts) {
    }

    /** The model {@code spec} describes: found in the store, or trained (resuming any checkpoint) and stored. */
    public Trained trainOrReuse(LanguageModelSpec spec, Provenance provenance, LmTrainingListener listener) {
        TrainingCorpus corpus = TrainingCorpus.open(spec.corpus());
        String key = outputKey(spec, corpus.identity());
        Optional<ArtifactRef> found = store.find(KIND, key);
        if (found.isPresent()) {
            return new Trained(found.get(), TrainingReport.read(store.localCopy(found.get())), true);
        }
        LanguageModelSpec.Model m = spec.model();
        corpus.read(listener);
        CutVocabulary vocabulary = corpus.vocabulary(m.vocab());
        TokenContexts training = corpus.trainingContexts(vocabulary, m.nCtx());
        HeldOutSample heldOut = HeldOutSample.of(corpus.heldOutContexts(vocabulary, m.nCtx()),
                spec.training().evalContexts());
        NgramBaselines baselines = NgramBaselines.measure(training, heldOut, vocabulary.size());
        listener.baselines(baselines.unigram(), baselines.bigram());
        TransformerConfig config = TrainableTransformer.config(spec.name(), m.layers(), m.dModel(), m.heads(),
                m.dMlp(), vocabulary.size(), m.nCtx());
        LmCheckpoints checkpoints = new LmCheckpoints(store.workDirectory(KIND, key).resolve("checkpoints"));
        long start = System.nanoTime();
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             LanguageModelTrainer trainer = LanguageModelTrainer.open(config, spec.training(), training, heldOut,
                     manager, Optional.of(checkpoints), listener, logEvery)) {
            long resumedFrom = trainer.step();
            trainer.run();
            double heldOutLoss = trainer.heldOutLoss();
            listener.evaluated(trainer.step(), heldOutLoss);
            TransformerWeights weights = trainer.weights();
            double seconds = (System.nanoTime() - start) / 1e9;
            ArtifactRef ref = store.getOrProduce(KIND, key, provenance, directory -> {
                TrainedModelFiles.write(directory, weights, vocabulary);
                long tokensTrained = spec.training().tokens(m.nCtx());
                new TrainingReport(spec.name(), corpus.identity(), corpus.trainingDocuments(),
                        corpus.heldOutDocuments(), corpus.trainingTokens(), vocabulary.size(),
                        unknownFraction(training), trainer.step(), tokensTrained,
                        (double) tokensTrained / ((long) training.count() * m.nCtx()), trainer.lastLoss(),
                        heldOut.contexts(), heldOutLoss, baselines.unigram(), baselines.bigram(),
                        baselines.bigramSmoothing(), resumedFrom, seconds,
                        samplesThroughModelStage(directory, spec.training().seed(), manager)).write(directory);
            });
            store.clearWorkDirectory(KIND, key);
            return new Trained(ref, TrainingReport.read(store.localCopy(ref)), false);
        }
    }

    /** Loads the files just written as the model stage does, and samples from them. */
    private static java.util.List<TrainingReport.Sample> samplesThroughModelStage(Path directory, long seed,
                                                                                 NDManager manager) {
        try (Tokenizer tokenizer = Tokenizers.open(directory.toString());
             Transformer model = Transformer.upload(TransformerWeights.load(directory), manager)) {
            return SampleCompletions.sample(model, tokenizer, seed, manager);
        }
    }

    private static double unknownFraction(TokenContexts training) {
        long unknown = 0;
        for (int id : training.stream()) {
            if (id == CutVocabulary.UNKNOWN) {
                unknown++;
            }
        }
        return (double) unknown / Math.max(1, training.stream().length);
    }
}
