package dev.saesplit.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SparseAutoencoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * One forward and backward pass with hand-derived gradients: five matrix products and a few in-place
 * elementwise passes per batch, no autograd graph and no gradient with respect to the input.
 *
 * <p>With x̂ = W_dec f + b_dec, f = act(W_enc (x − b_dec) + b_enc), r = x̂ − x, g = 2r/B and n_i = ‖W_dec,i‖:
 * <pre>
 *   L       = Σ_b ‖r_b‖² / B + λ/B Σ_b Σ_i f_bi n_i
 *   ∂L/∂f   = g W_decᵀ + λ n / B                (then masked by f > 0)
 *   ∂L/∂W_dec = fᵀ g + λ/B (Σ_b f_bi) W_dec,i / n_i
 *   ∂L/∂W_enc = (x − b_dec)ᵀ ∂L/∂pre,   ∂L/∂b_enc = Σ_b ∂L/∂pre
 *   ∂L/∂b_dec = Σ_b g − W_enc ∂L/∂b_enc
 * </pre>
 * The input buffer is allocated once; per step only the matrix products' outputs and small vectors are
 * allocated, all inside the caller's scope.
 *
 * <p>Only the encoder product needs every (token, latent) pair. When few enough latents fired on the batch, the
 * rest runs on the active pairs alone ({@link SparseBackward}): the decoder forward, W_dec's gradient, the
 * gradient reaching the pre-activations (non-zero only where a latent fired) and W_enc's gradient, which is
 * xᵀ times that sparse matrix. The penalty and decoder-norm terms, the b_dec gradient and the statistics are
 * shared by both paths. The sparse path takes the encoder product a block of tokens at a time and keeps only the
 * firing pairs of each, so its largest transient is one block's pre-activations, not the batch's. A step starts on
 * the sparse path unless the step before it found firing too dense for it; a batch found too dense part-way
 * through its blocks is redone on the dense path.
 *
 * <p>An architecture that trains with more than this (BatchTopK's batch-wide selection and AuxK loss, Matryoshka's
 * inner losses, JumpReLU's threshold and L0 loss) brings an {@link ArchitectureTraining}: it activates the dense
 * step's pre-activations and adds its terms through {@link DenseTerms}; such a step always runs dense.
 */
final class AnalyticBackprop {

    private static final int[] TOKEN_AXIS = {0};
    private static final int[] FEATURE_AXIS = {1};
    /**
     * Largest share of (token, latent) pairs firing for which the sparse path runs. The sparse work is about four
     * pairs × d_in multiply-adds at a few times lower speed per operation than the dense products' four
     * tokens × d_sae × d_in, so it stops paying somewhere past 10 % density; a trained SAE fires 1 % or less.
     * Not tuned finely: early training, the only time firing is denser, is short.
     */
    static final double MAX_SPARSE_DENSITY = 0.05;
    /**
     * Tokens per block of the sparse path's encoder product: a quarter of a 4,096-token batch, so its
     * pre-activations take 16 MiB at d_sae 4,096 instead of 64, at the same speed.
     */
    static final int ENCODER_BLOCK_TOKENS = 1024;

    private final SparseAutoencoder sae;
    private final ArchitectureTraining terms;
    private final int batchSize;
    private final boolean unitNormDecoder;
    private final OptionalInt zeroTargetLatent;
    private final Optional<NDIndex> zeroTargetColumn;
    private final NDArray input;
    private final NDArray ones;
    /** The batch's way to a device other than the host; null on the host, where it is written in place. */
    private final ByteBuffer staging;
    private final FloatBuffer stagingFloats;
    private final SparseBackward sparse;
    private final double maxSparseDensity;
    private final long maxPairs;
    private final int blockTokens;
    private final ActiveLatents active;
    /** The pairs of an architecture's extra loss on the sparse path (AuxK's), or null. */
    private final ActiveLatents extraActive;
    private final int[] compactLatents;
    private final float[] compactValues;
    /** Whether this step starts on the sparse path: false after a step whose firing was too dense for it. */
    private boolean trySparse;

    AnalyticBackprop(SparseAutoencoder sae, int batchSize, boolean unitNormDecoder, OptionalInt zeroTargetLatent) {
        this(sae, batchSize, unitNormDecoder, zeroTargetLatent, StepPath.DENSE);
    }

    AnalyticBackprop(SparseAutoencoder sae, int batchSize, boolean unitNormDecoder, OptionalInt zeroTargetLatent,
                     StepPath path) {
        this(sae, batchSize, unitNormDecoder, zeroTargetLatent, path, ENCODER_BLOCK_TOKENS);
    }

    /** @param blockTokens tokens per block of the sparse path's encoder product */
    AnalyticBackprop(SparseAutoencoder sae, int batchSize, boolean unitNormDecoder, OptionalInt zeroTargetLatent,
                     StepPath path, int blockTokens) {
        this(sae, ArchitectureTraining.of(sae.config().architecture(), sae.config().dSae(),
                TrainerConfig.DEFAULT_DEAD_FEATURE_WINDOW), batchSize,
                unitNormDecoder, zeroTargetLatent, path, blockTokens);
    }

    /**
     * @param terms       the architecture's own parts of the step; only {@linkplain ArchitectureTraining#plain plain}
     *                    ones take the sparse path
     * @param blockTokens tokens per block of the sparse path's encoder product
     */
    AnalyticBackprop(SparseAutoencoder sae, ArchitectureTraining terms, int batchSize, boolean unitNormDecoder,
                     OptionalInt zeroTargetLatent, StepPath path, int blockTokens) {
        SaeConfig config = sae.config();
        if (!config.applyBDecToInput()) {
            throw new IllegalArgumentException("training needs apply_b_dec_to_input=true (SAE for "
                    + config.hookName() + " has it false)");
        }
        zeroTargetLatent.ifPresent(latent -> {
            if (latent >= config.dSae()) {
                throw new IllegalArgumentException("zero-target latent " + latent + " outside the SAE's "
                        + config.dSae() + " latents");
            }
        });
        this.sae = sae;
        this.terms = terms;
        this.batchSize = batchSize;
        this.unitNormDecoder = unitNormDecoder;
        this.zeroTargetLatent = zeroTargetLatent;
        this.zeroTargetColumn = zeroTargetLatent.isPresent()
                ? Optional.of(new NDIndex(":, {}", zeroTargetLatent.getAsInt())) : Optional.empty();
        NDManager manager = sae.manager();
        this.input = manager.zeros(new Shape(batchSize, config.dIn()));
        this.ones = manager.ones(new Shape(batchSize));
        boolean onHost = Device.Type.CPU.equals(manager.getDevice().getDeviceType());
        this.staging = onHost ? null
                : ByteBuffer.allocateDirect(4 * batchSize * config.dIn()).order(ByteOrder.nativeOrder());
        this.stagingFloats = onHost ? null : staging.asFloatBuffer();
        if (path == StepPath.SPARSE && !onHost) {
            throw new IllegalArgumentException("the sparse step runs on the CPU; this SAE is on "
                    + manager.getDevice());
        }
        if (path == StepPath.SPARSE && !terms.sparseCovers()) {
            throw new IllegalArgumentException("the sparse step does not cover " + config.architecture().name()
                    + " SAEs; train them on the dense or automatic path");
        }
        this.sparse = path == StepPath.DENSE || !onHost || !terms.sparseCovers() ? null
                : new SparseBackward(sae, batchSize, !terms.plain());
        this.maxSparseDensity = path == StepPath.SPARSE ? Double.POSITIVE_INFINITY : MAX_SPARSE_DENSITY;
        this.maxPairs = (long) (maxSparseDensity * batchSize * config.dSae()); // saturates at Long.MAX_VALUE
        this.blockTokens = Math.min(blockTokens, batchSize);
        this.active = sparse == null ? null : new ActiveLatents(batchSize, config.dSae(), this.blockTokens);
        this.extraActive = sparse == null || terms.plain() ? null
                : new ActiveLatents(batchSize, config.dSae(), this.blockTokens);
        int compactWidth = config.architecture().compactWidth(config.dSae()).orElse(0);
        this.compactLatents = new int[sparse == null ? 0 : this.blockTokens * compactWidth];
        this.compactValues = new float[compactLatents.length];
        this.trySparse = sparse != null;
    }

    /**
     * Runs the pass on {@code batch} ({@code batchSize × d_in} floats, row-major). Call inside a scope that
     * closes the returned arrays.
     */
    StepTensors run(float[] batch, double sparsityCoefficient, boolean withStatistics) {
        if (staging == null) {
            input.toByteBuffer(true).asFloatBuffer().put(0, batch); // the array's own memory
        } else {
            stagingFloats.clear();
            stagingFloats.put(batch);
            staging.clear();
            input.set(staging);
        }

        float scale = 1f / batchSize;
        boolean penalty = sae.config().architecture().usesSparsityPenalty() && sparsityCoefficient > 0;
        float penaltyScale = penalty ? (float) (sparsityCoefficient * scale) : 0f;
        NDArray centered = input.subi(sae.decoderBias());
        NDArray decoderNorms = sae.clampedDecoderNorms();

        NDArray pre = null;
        Optional<ActiveLatents> firing = Optional.empty();
        if (trySparse && extraActive != null) {
            // the architecture selects over the whole batch, so its encoder product is taken whole
            pre = centered.matMul(sae.encoderWeights()).addi(sae.encoderBias());
            if (terms.selectPairs(pre, sae, active, extraActive, maxPairs, zeroTargetLatent.orElse(-1))) {
                firing = Optional.of(active);
            }
        } else if (trySparse) {
            firing = activePairs(centered);
        }
        Backward backward;
        if (firing.isPresent()) {
            backward = sparse.run(firing.get(), batch, decoderNorms.toFloatArray(), penaltyScale,
                    penalty || withStatistics, withStatistics);
            if (extraActive != null) {
                backward = terms.addSparseTerms(sparse, extraActive, backward, sparsityCoefficient);
            }
        } else {
            if (pre == null) {
                pre = centered.matMul(sae.encoderWeights()).addi(sae.encoderBias());
            }
            NDArray latents = terms.plain() ? sae.config().architecture().activate(pre) : terms.activate(pre, sae);
            zeroTargetColumn.ifPresent(column -> latents.set(column, 0f));
            backward = dense(latents, terms.plain() ? null : pre, centered, decoderNorms, penaltyScale,
                    sparsityCoefficient, penalty || withStatistics, withStatistics);
            // the next step tries the sparse path once this one's firing would have fitted it
            trySparse = sparse != null && backward.activeCounts().sum().getFloat() <= maxPairs;
        }

        NDArray decoderWeightsGradient = backward.decoderWeightsGradient();
        if (penalty && !unitNormDecoder) {
            NDArray perRow = backward.latentSums().div(decoderNorms).muli(penaltyScale);
            decoderWeightsGradient.addi(sae.decoderWeights().mul(perRow.reshape(-1, 1)));
        }
        if (unitNormDecoder) {
            removeParallelComponent(decoderWeightsGradient);
        }
        NDArray decoderBiasGradient = backward.outputGradientSum()
                .subi(sae.encoderWeights().matMul(backward.encoderBiasGradient()));
        Gradients gradients = new Gradients(backward.encoderWeightsGradient(), backward.encoderBiasGradient(),
                decoderWeightsGradient, decoderBiasGradient, backward.thresholdGradient());
        Optional<BatchStatistics> statistics = withStatistics
                ? Optional.of(statistics(backward.squaredError(), centered, backward.latentSums(), decoderNorms,
                        backward.activeCounts()))
                : Optional.empty();
        return new StepTensors(gradients, backward.activeCounts(), backward.outputGradient(), statistics,
                firing.isPresent(), firing.map(ActiveLatents::pairs).orElse(-1));
    }

    /**
     * The batch's firing pairs, from the encoder product taken a block of tokens at a time (a block's
     * pre-activations are freed before the next is made, so the full {@code [tokens, d_sae]} product never
     * exists), or empty as soon as they are too many for the sparse path.
     */
    private Optional<ActiveLatents> activePairs(NDArray centered) {
        SaeArchitecture architecture = sae.config().architecture();
        int dSae = sae.config().dSae();
        OptionalInt compactWidth = architecture.compactWidth(dSae);
        boolean compact = compactWidth.isPresent() && compactWidth.getAsInt() <= maxSparseDensity * dSae;
        int excluded = zeroTargetLatent.orElse(-1);
        active.clear();
        for (int from = 0; from < batchSize; from += blockTokens) {
            int to = Math.min(batchSize, from + blockTokens);
            NDArray rows = centered.get(new NDIndex("{}:{}", from, to));
            NDArray pre = rows.matMul(sae.encoderWeights()).addi(sae.encoderBias());
            try {
                if (compact) {
                    architecture.activateCompact(pre, compactLatents, compactValues);
                    active.appendCompact(compactLatents, compactValues, to - from, compactWidth.getAsInt(), excluded);
                } else {
                    // appendDense keeps the entries > 0, so ReLU's pairs come straight off the pre-activations
                    NDArray latents = architecture.activatesByRelu() ? pre : architecture.activate(pre);
                    try {
                        if (!active.appendDense(latents, maxPairs, excluded)) {
                            return Optional.empty();
                        }
                    } finally {
                        latents.close();
                    }
                }
            } finally {
                pre.close();
                rows.close();
            }
        }
        active.index();
        return Optional.of(active);
    }

    /** Whether the next step starts on the sparse path; part of a trainer's checkpointed state. */
    boolean trySparseNext() {
        return trySparse;
    }

    /** Restores {@link #trySparseNext()} from a checkpoint (ignored where this pass has no sparse path). */
    void trySparseNext(boolean value) {
        trySparse = value && sparse != null;
    }

    /**
     * The five dense products, with the architecture's own terms where it has them ({@code pre} non-null);
     * {@code latents} is consumed.
     */
    private Backward dense(NDArray latents, NDArray pre, NDArray centered, NDArray decoderNorms, float penaltyScale,
                           double sparsityCoefficient, boolean withLatentSums, boolean withStatistics) {
        NDArray outputGradient = latents.matMul(sae.decoderWeights()).subi(centered); // residual r = x̂ − x
        double squaredError = withStatistics ? squaredNorm(outputGradient) : Double.NaN;
        outputGradient.muli(2f / batchSize);

        NDArray decoderWeightsGradient = latents.transpose().matMul(outputGradient);
        NDArray latentSums = withLatentSums ? columnSums(latents) : null;
        NDArray preGradient = outputGradient.matMul(sae.decoderWeights().transpose());
        if (penaltyScale > 0) {
            // decoder-norm-weighted L1, as in SAELens
            preGradient.addi(decoderNorms.mul(penaltyScale));
        }
        DenseTerms own = null;
        if (pre != null) {
            own = new DenseTerms(sae, batchSize, centered, pre, latents, outputGradient, preGradient,
                    decoderWeightsGradient, sparsityCoefficient);
            terms.addTerms(own);
        }
        NDArray active = latents.signi(); // f ≥ 0, so sign(f) is the firing mask; f itself is no longer needed
        NDArray activeCounts = columnSums(active);

        preGradient.muli(active);
        NDArray outputGradientSum = columnSums(outputGradient);
        NDArray thresholdGradient = null;
        if (own != null) {
            if (own.preGradient() != null) {
                preGradient.addi(own.preGradient());
            }
            if (own.outputGradientSum() != null) {
                outputGradientSum.addi(own.outputGradientSum());
            }
            thresholdGradient = own.thresholdGradient;
        }
        NDArray encoderWeightsGradient = centered.transpose().matMul(preGradient);
        NDArray encoderBiasGradient = columnSums(preGradient);
        return new Backward(() -> outputGradient, squaredError, outputGradientSum, decoderWeightsGradient,
                encoderWeightsGradient, encoderBiasGradient, latentSums, activeCounts, thresholdGradient);
    }

    /** Sums over tokens as a matrix-vector product: one streaming read, faster than the engine's column reduction. */
    private NDArray columnSums(NDArray matrix) {
        return ones.matMul(matrix);
    }

    /** On the unit sphere only the tangential part of a decoder row's gradient may move it. */
    private void removeParallelComponent(NDArray decoderWeightsGradient) {
        NDArray decoder = sae.decoderWeights();
        NDArray along = decoderWeightsGradient.mul(decoder).sum(FEATURE_AXIS, true);
        decoderWeightsGradient.subi(decoder.mul(along));
    }

    private BatchStatistics statistics(double squaredError, NDArray centered, NDArray latentSums,
                                       NDArray decoderNorms, NDArray activeCounts) {
        double deviation = squaredNorm(centered.sub(centered.mean(TOKEN_AXIS)));
        double l1 = latentSums.mul(decoderNorms).sum().getFloat() / batchSize;
        double l0 = activeCounts.sum().getFloat() / batchSize;
        double mse = squaredError / batchSize;
        double explained = deviation > 0 ? 1 - squaredError / deviation : Double.NaN;
        return new BatchStatistics(mse, explained, l1, l0);
    }

    private static double squaredNorm(NDArray array) {
        double norm = array.norm().getFloat();
        return norm * norm;
    }

    /**
     * What either path of the backward pass leaves for the shared remainder.
     *
     * @param outputGradient    d loss / d x̂ {@code [tokens, d_in]}, made on first use (the sparse path keeps it on
     *                          the host)
     * @param squaredError      Σ‖r‖² over the batch, or NaN when statistics were not asked for
     * @param outputGradientSum Σ_b ∂L/∂x̂_b {@code [d_in]}
     * @param latentSums        Σ_b f_bi {@code [d_sae]}, or null when neither the penalty nor statistics need it
     * @param thresholdGradient JumpReLU's threshold gradient {@code [d_sae]}, or null for an SAE without thresholds
     */
    record Backward(Supplier<NDArray> outputGradient, double squaredError, NDArray outputGradientSum,
                    NDArray decoderWeightsGradient, NDArray encoderWeightsGradient, NDArray encoderBiasGradient,
                    NDArray latentSums, NDArray activeCounts, NDArray thresholdGradient) {

        Backward(Supplier<NDArray> outputGradient, double squaredError, NDArray outputGradientSum,
                 NDArray decoderWeightsGradient, NDArray encoderWeightsGradient, NDArray encoderBiasGradient,
                 NDArray latentSums, NDArray activeCounts) {
            this(outputGradient, squaredError, outputGradientSum, decoderWeightsGradient, encoderWeightsGradient,
                    encoderBiasGradient, latentSums, activeCounts, null);
        }
    }
}
