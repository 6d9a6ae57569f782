package dev.saesplit.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SparseAutoencoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

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
 * shared by both paths.
 */
final class AnalyticBackprop {

    private static final int[] TOKEN_AXIS = {0};
    private static final int[] FEATURE_AXIS = {1};
    private static final float MIN_DECODER_NORM = 1e-12f;
    /**
     * Largest share of (token, latent) pairs firing for which the sparse path runs. The sparse work is about four
     * pairs × d_in multiply-adds at a few times lower speed per operation than the dense products' four
     * tokens × d_sae × d_in, so it stops paying somewhere past 10 % density; a trained SAE fires 1 % or less.
     * Not tuned finely: early training, the only time firing is denser, is short.
     */
    static final double MAX_SPARSE_DENSITY = 0.05;

    private final SparseAutoencoder sae;
    private final int batchSize;
    private final boolean unitNormDecoder;
    private final OptionalInt zeroTargetLatent;
    private final Optional<NDIndex> zeroTargetColumn;
    private final NDArray input;
    private final NDArray ones;
    private final ByteBuffer staging;
    private final FloatBuffer stagingFloats;
    private final SparseBackward sparse;
    private final double maxSparseDensity;

    AnalyticBackprop(SparseAutoencoder sae, int batchSize, boolean unitNormDecoder, OptionalInt zeroTargetLatent) {
        this(sae, batchSize, unitNormDecoder, zeroTargetLatent, StepPath.DENSE);
    }

    AnalyticBackprop(SparseAutoencoder sae, int batchSize, boolean unitNormDecoder, OptionalInt zeroTargetLatent,
                     StepPath path) {
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
        this.batchSize = batchSize;
        this.unitNormDecoder = unitNormDecoder;
        this.zeroTargetLatent = zeroTargetLatent;
        this.zeroTargetColumn = zeroTargetLatent.isPresent()
                ? Optional.of(new NDIndex(":, {}", zeroTargetLatent.getAsInt())) : Optional.empty();
        NDManager manager = sae.manager();
        this.input = manager.zeros(new Shape(batchSize, config.dIn()));
        this.ones = manager.ones(new Shape(batchSize));
        this.staging = ByteBuffer.allocateDirect(4 * batchSize * config.dIn()).order(ByteOrder.nativeOrder());
        this.stagingFloats = staging.asFloatBuffer();
        boolean onHost = Device.Type.CPU.equals(manager.getDevice().getDeviceType());
        if (path == StepPath.SPARSE && !onHost) {
            throw new IllegalArgumentException("the sparse step runs on the CPU; this SAE is on " + manager.getDevice());
        }
        this.sparse = path == StepPath.DENSE || !onHost ? null : new SparseBackward(sae, batchSize);
        this.maxSparseDensity = path == StepPath.SPARSE ? Double.POSITIVE_INFINITY : MAX_SPARSE_DENSITY;
    }

    /**
     * Runs the pass on {@code batch} ({@code batchSize × d_in} floats, row-major). Call inside a scope that
     * closes the returned arrays.
     */
    StepTensors run(float[] batch, double sparsityCoefficient, boolean withStatistics) {
        stagingFloats.clear();
        stagingFloats.put(batch);
        staging.clear();
        input.set(staging);

        float scale = 1f / batchSize;
        boolean penalty = sae.config().architecture().usesSparsityPenalty() && sparsityCoefficient > 0;
        float penaltyScale = penalty ? (float) (sparsityCoefficient * scale) : 0f;
        NDArray centered = input.subi(sae.decoderBias());
        NDArray decoderNorms = sae.decoderWeights().norm(FEATURE_AXIS).maximum(MIN_DECODER_NORM);

        SaeArchitecture architecture = sae.config().architecture();
        int dSae = sae.config().dSae();
        NDArray pre = centered.matMul(sae.encoderWeights()).addi(sae.encoderBias());
        OptionalInt compactWidth = architecture.compactWidth(dSae);
        Optional<ActiveLatents> active;
        NDArray latents = null;
        if (sparse != null && compactWidth.isPresent() && compactWidth.getAsInt() <= maxSparseDensity * dSae) {
            // at most k of d_sae fire per token, so the dense latents are never built
            NDList compact = architecture.activateCompact(pre);
            active = Optional.of(ActiveLatents.of(List.of(ActiveLatents.rowsOfCompact(compact.get(0),
                    compact.get(1), zeroTargetLatent)), dSae));
        } else {
            latents = architecture.activate(pre);
            NDArray activated = latents;
            zeroTargetColumn.ifPresent(column -> activated.set(column, 0f));
            long maxPairs = (long) (maxSparseDensity * batchSize * dSae); // saturates at Long.MAX_VALUE
            active = sparse == null ? Optional.empty()
                    : ActiveLatents.rowsOf(latents, maxPairs).map(rows -> ActiveLatents.of(List.of(rows), dSae));
        }
        Backward backward;
        if (active.isPresent()) {
            if (latents != null) {
                latents.close(); // the pairs hold all the sparse path needs
            }
            backward = sparse.run(active.get(), batch, decoderNorms.toFloatArray(), penaltyScale,
                    penalty || withStatistics, withStatistics);
        } else {
            backward = dense(latents, centered, decoderNorms, penaltyScale, penalty || withStatistics,
                    withStatistics);
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
                decoderWeightsGradient, decoderBiasGradient);
        Optional<BatchStatistics> statistics = withStatistics
                ? Optional.of(statistics(backward.squaredError(), centered, backward.latentSums(), decoderNorms,
                        backward.activeCounts()))
                : Optional.empty();
        return new StepTensors(gradients, backward.activeCounts(), backward.outputGradient(), statistics,
                active.isPresent(), active.map(ActiveLatents::pairs).orElse(-1));
    }

    /** The five dense products; {@code latents} is consumed. */
    private Backward dense(NDArray latents, NDArray centered, NDArray decoderNorms, float penaltyScale,
                           boolean withLatentSums, boolean withStatistics) {
        NDArray outputGradient = latents.matMul(sae.decoderWeights()).subi(centered); // residual r = x̂ − x
        double squaredError = withStatistics ? squaredNorm(outputGradient) : Double.NaN;
        outputGradient.muli(2f / batchSize);

        NDArray decoderWeightsGradient = latents.transpose().matMul(outputGradient);
        NDArray latentSums = withLatentSums ? columnSums(latents) : null;
        NDArray active = latents.signi(); // f ≥ 0, so sign(f) is the firing mask; f itself is no longer needed
        NDArray activeCounts = columnSums(active);

        NDArray preGradient = outputGradient.matMul(sae.decoderWeights().transpose());
        if (penaltyScale > 0) {
            // decoder-norm-weighted L1, as in SAELens
            preGradient.addi(decoderNorms.mul(penaltyScale));
        }
        preGradient.muli(active);
        NDArray encoderWeightsGradient = centered.transpose().matMul(preGradient);
        NDArray encoderBiasGradient = columnSums(preGradient);
        return new Backward(outputGradient, squaredError, columnSums(outputGradient), decoderWeightsGradient,
                encoderWeightsGradient, encoderBiasGradient, latentSums, activeCounts);
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
     * @param squaredError      Σ‖r‖² over the batch, or NaN when statistics were not asked for
     * @param outputGradientSum Σ_b ∂L/∂x̂_b {@code [d_in]}
     * @param latentSums        Σ_b f_bi {@code [d_sae]}, or null when neither the penalty nor statistics need it
     */
    record Backward(NDArray outputGradient, double squaredError, NDArray outputGradientSum,
                    NDArray decoderWeightsGradient, NDArray encoderWeightsGradient, NDArray encoderBiasGradient,
                    NDArray latentSums, NDArray activeCounts) {
    }
}
