package dev.saesplit.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.saesplit.data.SeededPermutation;
import dev.saesplit.lm.TransformerConfig;
import dev.saesplit.lm.TransformerWeights;
import dev.saesplit.lm.dataset.CorpusException;
import dev.saesplit.random.SplitMix64;
import dev.saesplit.sae.safetensors.NamedTensor;
import dev.saesplit.spec.LanguageModelSpec.Training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains a {@link TrainableTransformer} on contexts of a corpus: next-token cross-entropy, Adam with linear warm-up
 * and cosine decay, global gradient-norm clipping, checkpoints. Step {@code s} trains on contexts
 * {@code s·batch .. (s+1)·batch - 1} of an order that is a seeded permutation per epoch, so the data a step sees
 * depends only on the seed and the step; with the parameters and Adam's moments restored from a checkpoint, a
 * resumed run computes what the uninterrupted one would have, bit for bit on the same machine and thread count.
 */
final class LanguageModelTrainer implements AutoCloseable {

    private static final int EVAL_BATCH = 16;

    private final Training settings;
    private final TrainableTransformer model;
    private final ParameterAdam adam;
    private final TokenContexts data;
    private final HeldOutSample heldOut;
    private final Optional<LmCheckpoints> checkpoints;
    private final LmTrainingListener listener;
    private final int logEvery;
    private long step;
    private double lastLoss = Double.NaN;

    private LanguageModelTrainer(Training settings, TrainableTransformer model, TokenContexts data,
                                 HeldOutSample heldOut, Optional<LmCheckpoints> checkpoints,
                                 LmTrainingListener listener, int logEvery) {
        this.settings = settings;
        this.model = model;
        this.adam = new ParameterAdam(model.parameters(), model.manager());
        this.data = data;
        this.heldOut = heldOut;
        this.checkpoints = checkpoints;
        this.listener = listener;
        this.logEvery = logEvery;
    }

    /**
     * A trainer at its newest checkpoint in {@code checkpoints} (if any), else at freshly initialised weights.
     *
     * @param logEvery steps between {@link LmTrainingListener#trained} calls
     */
    static LanguageModelTrainer open(TransformerConfig config, Training settings, TokenContexts data,
                                     HeldOutSample heldOut, NDManager manager, Optional<LmCheckpoints> checkpoints,
                                     LmTrainingListener listener, int logEvery) {
        if (data.count() < 1) {
            throw new CorpusException("source", "the training documents hold fewer than one context of "
                    + data.nCtx() + " tokens");
        }
        Optional<LmCheckpoints.Checkpoint> resumeFrom = checkpoints.flatMap(LmCheckpoints::latest)
                .map(LmCheckpoints::read);
        Map<String, float[]> values = resumeFrom.map(LmCheckpoints.Checkpoint::parameters)
                .orElseGet(() -> TrainableTransformer.initialWeights(config, settings.seed()));
        TrainableTransformer model = TrainableTransformer.upload(config, values, manager);
        LanguageModelTrainer trainer = new LanguageModelTrainer(settings, model, data, heldOut, checkpoints,
                listener, logEvery);
        resumeFrom.ifPresent(c -> {
            trainer.adam.restore(c.moments(), c.adamUpdates());
            trainer.step = c.step();
            listener.resumed(c.step());
        });
        return trainer;
    }

    /** Trains to the last step, evaluating and checkpointing on the way. */
    void run() {
        while (step < settings.steps()) {
            lastLoss = trainStep();
            step++;
            if (step % logEvery == 0 || step == settings.steps()) {
                listener.trained(step, settings.steps(), lastLoss, learningRate(step - 1));
            }
            if (step % settings.evalEvery() == 0 && step < settings.steps()) {
                listener.evaluated(step, heldOutLoss());
            }
            if (checkpoints.isPresent() && step % settings.checkpointEvery() == 0 && step < settings.steps()) {
                listener.checkpointed(step, checkpoint(checkpoints.get()));
            }
        }
    }

    long step() {
        return step;
    }

    /** The training loss of the last step run, NaN before any. */
    double lastLoss() {
        return lastLoss;
    }

    TransformerWeights weights() {
        return model.weights();
    }

    TrainableTransformer model() {
        return model;
    }

    /** Linear warm-up to the peak over {@code warmupSteps}, then cosine decay to {@code minLrFraction} of it. */
    double learningRate(long update) {
        double peak = settings.learningRate();
        if (update < settings.warmupSteps()) {
            return peak * (update + 1) / settings.warmupSteps();
        }
        long decaySteps = Math.max(1, settings.steps() - settings.warmupSteps());
        double progress = Math.min(1, (double) (update - settings.warmupSteps()) / decaySteps);
        double floor = peak * settings.minLrFraction();
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** Mean next-token cross-entropy (nats) on the held-out sample; records no gradients. */
    double heldOutLoss() {
        int nCtx = heldOut.nCtx();
        double sum = 0;
        for (int from = 0; from < heldOut.contexts(); from += EVAL_BATCH) {
            int rows = Math.min(EVAL_BATCH, heldOut.contexts() - from);
            long[] tokens = new long[rows * nCtx];
            System.arraycopy(heldOut.tokens(), from * nCtx, tokens, 0, tokens.length);
            try (NDManager scope = model.stepScope()) {
                NDArray ids = scope.create(tokens, new Shape(rows, nCtx));
                sum += TrainableTransformer.crossEntropy(model.logits(ids), ids).getFloat() * rows;
            }
        }
        return sum / heldOut.contexts();
    }

    private double trainStep() {
        int batch = settings.batchSize();
        int nCtx = data.nCtx();
        long[] tokens = new long[batch * nCtx];
        long first = step * batch;
        long count = data.count();
        for (int i = 0; i < batch; i++) {
            long position = first + i;
            long epoch = position / count;
            SeededPermutation order = new SeededPermutation(count, SplitMix64.derive(settings.seed(), epoch));
            data.copy((int) order.apply(position % count), tokens, i * nCtx);
        }
        try (NDManager scope = model.stepScope()) {
            NDArray ids = scope.create(tokens, new Shape(batch, nCtx));
            float loss;
            try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
                NDArray value = TrainableTransformer.crossEntropy(model.logits(ids), ids);
                collector.backward(value);
                loss = value.getFloat();
            }
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("training diverged at step " + step + ": loss " + loss
                        + "; lower the learning rate");
            }
            Map<String, NDArray> gradients = new LinkedHashMap<>();
            model.parameters().forEach((name, p) -> gradients.put(name, p.getGradient()));
            adam.update(gradients, learningRate(step), settings.gradientClip());
            // Autograd adds into the gradients: clear them for the next step.
            gradients.values().forEach(g -> g.subi(g));
            return loss;
        }
    }

    private java.nio.file.Path checkpoint(LmCheckpoints store) {
        List<NamedTensor> parameters = new ArrayList<>();
        model.parameters().forEach((name, p) -> parameters.add(
                new NamedTensor(name, p.getShape().getShape(), p.toFloatArray())));
        return store.write(step, adam.updates(), parameters, adam.exportMoments());
    }

    @Override
    public void close() {
        model.close();
    }
}
