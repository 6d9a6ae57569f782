package dev.saesplit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.saesplit.data.BatchStream;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFixtures;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.sae.TopKArchitecture;
import dev.saesplit.sae.safetensors.NamedTensor;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sparse backward pass is the dense one computed differently: on the same weights and batch both give the
 * same loss statistics, gradients, firing counts and output gradient, and over several trainer steps the same
 * weights and Adam moments, to floating-point rounding. Shapes span several work chunks in both directions.
 */
class SparseStepEquivalenceTest {

    private static final int D_IN = 40;
    private static final int D_SAE = 300;
    private static final int TOKENS = 150;
    private static final double LAMBDA = 0.7;
    private static final int BLOCK = 64;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("ReLU, decoder-norm-weighted L1", new StandardArchitecture(), false, OptionalInt.empty()),
                Arguments.of("ReLU, zero-target", new StandardArchitecture(), false, OptionalInt.of(7)),
                Arguments.of("ReLU, unit-norm decoder", new StandardArchitecture(), true, OptionalInt.empty()),
                Arguments.of("TopK k=8", new TopKArchitecture(8), false, OptionalInt.empty()),
                Arguments.of("TopK k=8, zero-target", new TopKArchitecture(8), false, OptionalInt.of(7)),
                Arguments.of("BatchTopK k=8, rescaled", new BatchTopKArchitecture(8), false, OptionalInt.empty()),
                Arguments.of("BatchTopK k=8, zero-target", new BatchTopKArchitecture(8.5, false, 0.01, 1.0), false,
                        OptionalInt.of(7)),
                Arguments.of("JumpReLU", new JumpReLUArchitecture(0.3, 0.5, false), false, OptionalInt.empty()),
                Arguments.of("JumpReLU, estimator to the input, zero-target", new JumpReLUArchitecture(0.3, 0.5, true),
                        false, OptionalInt.of(7)));
    }

    @ParameterizedTest(name = "jumprelu_ste_to_input={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void jumpReluThresholdGradientIsTheSameOnBothPaths(boolean steToInput) {
        SaeWeights weights = sparselyFiring(new JumpReLUArchitecture(0.3, 0.5, steToInput), 3);
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDScope ignored = new NDScope()) {
            StepTensors dense = new AnalyticBackprop(sae, TOKENS, false, OptionalInt.empty(), StepPath.DENSE)
                    .run(batch.clone(), LAMBDA, true);
            StepTensors sparse = new AnalyticBackprop(sae, TOKENS, false, OptionalInt.empty(), StepPath.SPARSE, BLOCK)
                    .run(batch.clone(), LAMBDA, true);
            assertTrue(sparse.sparse());
            for (int i = 0; i < 5; i++) {
                assertClose("gradient " + i, dense.gradients().get(i), sparse.gradients().get(i));
            }
        }
    }

    @Test
    void batchTopKWithAuxKOverDeadLatentsGivesTheSameGradientsAndThresholdOnBothPaths() {
        SaeWeights weights = sparselyFiring(new BatchTopKArchitecture(8), 3);
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);
        boolean[] dead = new boolean[D_SAE];
        for (int j = 0; j < D_SAE; j += 4) {
            dead[j] = true;
        }
        StepTensors[] steps = new StepTensors[2];
        double[] thresholds = new double[2];
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDScope ignored = new NDScope()) {
            StepPath[] paths = {StepPath.DENSE, StepPath.SPARSE};
            for (int p = 0; p < 2; p++) {
                BatchTopKTraining terms = (BatchTopKTraining) ArchitectureTraining.of(weights.config().architecture(),
                        D_SAE, 1000);
                terms.restoreState(java.util.Map.of(BatchTopKTraining.TOPK_THRESHOLD, 0.25));
                terms.deadLatents(dead);
                steps[p] = new AnalyticBackprop(sae, terms, TOKENS, false, OptionalInt.empty(), paths[p], BLOCK)
                        .run(batch.clone(), LAMBDA, true);
                thresholds[p] = terms.topkThreshold();
            }
            assertFalse(steps[0].sparse());
            assertTrue(steps[1].sparse());
            for (int i = 0; i < 4; i++) {
                assertClose("gradient " + i, steps[0].gradients().get(i), steps[1].gradients().get(i));
            }
            assertArrayEquals(steps[0].activeCounts().toFloatArray(), steps[1].activeCounts().toFloatArray(),
                    "firing counts, AuxK's pairs not among them");
            assertEquals(thresholds[0], thresholds[1], 0, "the same selection moves the estimate the same way");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sparseAndDensePassesGiveTheSameGradientsAndStatistics(String name, SaeArchitecture architecture,
                                                              boolean unitNorm, OptionalInt zeroTarget) {
        SaeWeights weights = sparselyFiring(architecture, 3);
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDScope ignored = new NDScope()) {
            StepTensors dense = new AnalyticBackprop(sae, TOKENS, unitNorm, zeroTarget, StepPath.DENSE)
                    .run(batch.clone(), LAMBDA, true);
            // the encoder product in blocks of 64 tokens: two whole blocks and a partial one
            StepTensors sparse = new AnalyticBackprop(sae, TOKENS, unitNorm, zeroTarget, StepPath.SPARSE, BLOCK)
                    .run(batch.clone(), LAMBDA, true);
            assertFalse(dense.sparse());
            assertTrue(sparse.sparse());
            for (int i = 0; i < 4; i++) {
                assertClose(name + " gradient " + i, dense.gradients().get(i), sparse.gradients().get(i));
            }
            assertArrayEquals(dense.activeCounts().toFloatArray(), sparse.activeCounts().toFloatArray(),
                    "firing counts are exact");
            assertEquals(sum(sparse.activeCounts().toFloatArray()), sparse.activePairs(), "pairs = Σ counts");
            assertClose("output gradient", dense.outputGradient().get(), sparse.outputGradient().get());
            BatchStatistics d = dense.statistics().orElseThrow();
            BatchStatistics s = sparse.statistics().orElseThrow();
            assertEquals(d.mse(), s.mse(), 1e-5 * d.mse(), "mse");
            assertEquals(d.l1(), s.l1(), 1e-5 * d.l1(), "l1");
            assertEquals(d.l0(), s.l0(), 0, "l0");
            assertEquals(d.explainedVariance(), s.explainedVariance(), 1e-5 * Math.abs(d.explainedVariance()),
                    "explained variance");
            double density = d.l0() / D_SAE;
            assertTrue(density > 0.005 && density < 0.2, "the case fires sparsely but not trivially: " + density);
            zeroTarget.ifPresent(t -> assertEquals(0f, sparse.activeCounts().toFloatArray()[t], "target never fires"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void trainingOnTheSparsePathEndsWithTheDensePathsWeightsAndAdamState(String name, SaeArchitecture architecture,
                                                                         boolean unitNorm, OptionalInt zeroTarget) {
        TrainerConfig.Builder builder = TrainerConfig.builder(6).learningRate(1e-3).lrWarmupSteps(2).l1WarmupSteps(2)
                .sparsityCoefficient(LAMBDA).unitNormDecoder(unitNorm).logEvery(2).seed(5);
        zeroTarget.ifPresent(builder::zeroTargetLatent);
        TrainerState dense = train(builder.stepPath(StepPath.DENSE).build(), architecture);
        TrainerState sparse = train(builder.stepPath(StepPath.SPARSE).build(), architecture);
        assertEquals(0, dense.sparseSteps);
        assertEquals(6, sparse.sparseSteps);
        assertClose(name + " W_enc", dense.weights.encoderWeights(), sparse.weights.encoderWeights(), 1e-4);
        assertClose(name + " b_enc", dense.weights.encoderBias(), sparse.weights.encoderBias(), 1e-4);
        assertClose(name + " W_dec", dense.weights.decoderWeights(), sparse.weights.decoderWeights(), 1e-4);
        assertClose(name + " b_dec", dense.weights.decoderBias(), sparse.weights.decoderBias(), 1e-4);
        assertEquals(dense.moments.size(), sparse.moments.size());
        for (int i = 0; i < dense.moments.size(); i++) {
            assertEquals(dense.moments.get(i).name(), sparse.moments.get(i).name());
            assertClose(dense.moments.get(i).name(), dense.moments.get(i).values(), sparse.moments.get(i).values(),
                    1e-3);
        }
    }

    @Test
    void theAutomaticChoiceIsDenseWhileFiringIsDenseAndSparseOnceItIsSparse() {
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);
        SaeWeights denselyFiring = SaeFixtures.randomSae(D_IN, D_SAE, new StandardArchitecture(), 8);
        SaeWeights sparselyFiring = sparselyFiring(new TopKArchitecture(2), 8);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder dense = SparseAutoencoder.upload(denselyFiring, manager);
             SparseAutoencoder sparse = SparseAutoencoder.upload(sparselyFiring, manager);
             NDScope ignored = new NDScope()) {
            StepTensors early = new AnalyticBackprop(dense, TOKENS, false, OptionalInt.empty(), StepPath.AUTO)
                    .run(batch.clone(), LAMBDA, true);
            StepTensors late = new AnalyticBackprop(sparse, TOKENS, false, OptionalInt.empty(), StepPath.AUTO)
                    .run(batch.clone(), LAMBDA, true);
            assertTrue(early.statistics().orElseThrow().l0() / D_SAE > AnalyticBackprop.MAX_SPARSE_DENSITY);
            assertFalse(early.sparse(), "dense firing takes the dense path");
            assertTrue(late.statistics().orElseThrow().l0() / D_SAE <= AnalyticBackprop.MAX_SPARSE_DENSITY);
            assertTrue(late.sparse(), "sparse firing takes the sparse path");
        }
    }

    @Test
    void oneBackpropGoesSparseOnceFiringThinsAndBackToDenseWhenItThickens() {
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);
        SaeWeights weights = sparselyFiring(new StandardArchitecture(), 3);
        float[] sparseBias = weights.encoderBias().clone();
        for (int j = 0; j < D_SAE; j++) {
            sparseBias[j] *= 2f; // well under the sparse path's bound
        }
        float[] denseBias = new float[D_SAE]; // with no bias, about half the latents fire on every token
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDScope ignored = new NDScope()) {
            AnalyticBackprop backprop = new AnalyticBackprop(sae, TOKENS, false, OptionalInt.empty(), StepPath.AUTO,
                    BLOCK);
            AnalyticBackprop dense = new AnalyticBackprop(sae, TOKENS, false, OptionalInt.empty(), StepPath.DENSE);
            boolean[] expected = {false, false, true, true, false, false, true};
            float[][] biases = {denseBias, sparseBias, sparseBias, sparseBias, denseBias, sparseBias, sparseBias};
            for (int step = 0; step < expected.length; step++) {
                sae.encoderBias().set(biases[step]);
                StepTensors tensors = backprop.run(batch.clone(), LAMBDA, true);
                // the step after a dense one stays dense (its firing decides the next), then each sparse batch
                // goes sparse until one is too dense, which falls back to the dense pass within the step
                assertEquals(expected[step], tensors.sparse(), "step " + step);
                double density = tensors.statistics().orElseThrow().l0() / D_SAE;
                if (biases[step] == sparseBias) {
                    assertTrue(density > 0 && density <= AnalyticBackprop.MAX_SPARSE_DENSITY, "density " + density);
                } else {
                    assertTrue(density > AnalyticBackprop.MAX_SPARSE_DENSITY, "density " + density);
                }
                StepTensors reference = dense.run(batch.clone(), LAMBDA, true);
                for (int i = 0; i < 4; i++) {
                    assertClose("step " + step + " gradient " + i, reference.gradients().get(i),
                            tensors.gradients().get(i));
                }
            }
        }
    }

    @Test
    void theSparsePathIsBitwiseRepeatable() {
        SaeWeights weights = sparselyFiring(new StandardArchitecture(), 3);
        float[] batch = SaeFixtures.gaussian(TOKENS * D_IN, 1.0, 4);
        try (NDManager manager = ComputeDevice.newManager(Device.cpu());
             SparseAutoencoder sae = SparseAutoencoder.upload(weights, manager);
             NDScope ignored = new NDScope()) {
            float[][] first = new float[4][];
            for (int run = 0; run < 2; run++) {
                StepTensors tensors = new AnalyticBackprop(sae, TOKENS, false, OptionalInt.empty(), StepPath.SPARSE)
                        .run(batch.clone(), LAMBDA, false);
                for (int i = 0; i < 4; i++) {
                    float[] gradient = tensors.gradients().get(i).toFloatArray();
                    if (run == 0) {
                        first[i] = gradient;
                    } else {
                        assertArrayEquals(first[i], gradient, "gradient " + i);
                    }
                }
            }
        }
    }

    private record TrainerState(SaeWeights weights, List<NamedTensor> moments, long sparseSteps) {
    }

    private static TrainerState train(TrainerConfig config, SaeArchitecture architecture) {
        float[] rows = SaeFixtures.gaussian(4 * TOKENS * D_IN, 1.0, 21);
        try (BatchStream data = InMemoryBatchStream.over(rows, D_IN, TOKENS, 22);
             SaeTrainer trainer = SaeTrainer.start(config, sparselyFiring(architecture, 23), data,
                     TrainingListener.NONE, Optional.empty())) {
            trainer.run();
            return new TrainerState(trainer.currentWeights(), trainer.adamMoments(), trainer.sparseSteps());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Random weights whose encoder bias keeps a few per cent of the latents firing on Gaussian inputs. */
    private static SaeWeights sparselyFiring(SaeArchitecture architecture, long seed) {
        SaeWeights random = SaeFixtures.randomSae(D_IN, D_SAE, architecture, seed);
        float[] bias = random.encoderBias();
        float[] encoder = random.encoderWeights();
        for (int j = 0; j < D_SAE; j++) {
            double squares = 0;
            for (int i = 0; i < D_IN; i++) {
                squares += encoder[i * D_SAE + j] * encoder[i * D_SAE + j];
            }
            bias[j] = (float) (-1.8 * Math.sqrt(squares)); // fires where its projection exceeds 1.8 σ: ~4 %
        }
        return new SaeWeights(random.config(), encoder, bias, random.decoderWeights(), random.decoderBias());
    }

    private static void assertClose(String name, NDArray expected, NDArray actual) {
        assertEquals(expected.getShape(), actual.getShape(), name + " shape");
        assertClose(name, expected.toFloatArray(), actual.toFloatArray(), 1e-5);
    }

    /** Entries agree within {@code relative} of the largest entry's magnitude, and the expectation is not all zero. */
    private static void assertClose(String name, float[] expected, float[] actual, double relative) {
        assertEquals(expected.length, actual.length, name + " size");
        double largest = 0;
        for (float v : expected) {
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0, name + " should not be trivially zero");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relative * largest, name + " entry " + i);
        }
    }

    private static long sum(float[] values) {
        long total = 0;
        for (float v : values) {
            total += (long) v;
        }
        return total;
    }
}
