package dev.saesplit.lm;

import static dev.saesplit.lm.TransformerLayers.layerNorm;
import static dev.saesplit.lm.TransformerLayers.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.saesplit.lm.HookPoint.Site;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A decoder-only transformer on a DJL device, computing what TransformerLens's {@code HookedTransformer}
 * computes for the same weights (inference only; nothing records gradients, since no parameter requires one).
 *
 * <p>Every call works in its own sub-manager, so intermediates are freed when it returns and memory is bounded
 * by batch × context; the returned array is attached to the manager of the {@code tokens} passed in, on this
 * model's device. The weights are only read, so calls from several threads may run at once.
 */
public final class Transformer implements AutoCloseable {

    private final TransformerConfig config;
    private final NDManager manager;
    private final NDArray embed;
    private final NDArray positions;
    private final List<BlockParameters> blocks;
    private final LayerNormParameters identityNorm;
    private final LayerNormParameters lnFinal;
    private final NDArray unembed;
    private final NDArray unembedRows;
    private final NDArray unembedBias;
    private final NDArray causalMask;

    private Transformer(TransformerConfig config, NDManager manager, NDArray embed, NDArray positions,
                        List<BlockParameters> blocks, LayerNormParameters identityNorm,
                        LayerNormParameters lnFinal, NDArray unembed, NDArray unembedBias) {
        this.config = config;
        this.manager = manager;
        this.embed = embed;
        this.positions = positions;
        this.blocks = List.copyOf(blocks);
        this.identityNorm = identityNorm;
        this.lnFinal = lnFinal;
        this.unembed = unembed;
        this.unembedRows = unembed.transpose();
        this.unembedBias = unembedBias;
        this.causalMask = TransformerLayers.causalMask(config.nCtx(), manager);
    }

    /** Copies {@code weights} into a new sub-manager of {@code parent}, on {@code parent}'s device. */
    public static Transformer upload(TransformerWeights weights, NDManager parent) {
        TransformerConfig config = weights.config();
        NDManager manager = parent.newSubManager();
        try {
            LayerNormParameters identity = LayerNormParameters.identity(config.dModel(), manager);
            List<BlockParameters> blocks = new ArrayList<>();
            for (int layer = 0; layer < config.nLayers(); layer++) {
                blocks.add(BlockParameters.upload(weights, layer, manager, identity));
            }
            return new Transformer(config, manager,
                    BlockParameters.create(weights, TransformerLensLayout.W_E, manager),
                    BlockParameters.create(weights, TransformerLensLayout.W_POS, manager),
                    blocks,
                    identity,
                    LayerNormParameters.upload(weights, "ln_final", manager, identity),
                    BlockParameters.create(weights, TransformerLensLayout.W_U, manager),
                    BlockParameters.create(weights, TransformerLensLayout.B_U, manager));
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public TransformerConfig config() {
        return config;
    }

    /** {@code W_U [d_model, d_vocab]}, owned by this model: read it, do not close or modify it. */
    public NDArray unembedWeights() {
        return unembed;
    }

    /**
     * The activation at {@code hook}, {@code [batch, pos, width]}. The forward pass runs only as far as the hook
     * needs: no block after the hook's, and no unembedding.
     *
     * @param tokens int32 or int64 token ids {@code [batch, pos]}, {@code pos <= n_ctx}
     */
    public NDArray activations(NDArray tokens, HookPoint hook) {
        return run(tokens, new HookVisit(requireLayer(hook), null, true));
    }

    /** Logits {@code [batch, pos, d_vocab]}. */
    public NDArray logits(NDArray tokens) {
        return run(tokens, HookVisit.NONE);
    }

    /**
     * Logits with the activation at {@code hook} replaced by {@code replace.apply(activation)}, which must keep
     * its shape: e.g. an SAE's reconstruction, or zeros for ablation. Arrays {@code replace} creates in other
     * managers stay theirs; arrays derived from its argument are freed with the call.
     */
    public NDArray logitsWithHook(NDArray tokens, HookPoint hook, UnaryOperator<NDArray> replace) {
        return run(tokens, new HookVisit(requireLayer(hook), replace, false));
    }

    /**
     * Mean next-token cross-entropy (nats) of {@code logits [batch, pos, d_vocab]} against {@code tokens
     * [batch, pos]}: position p predicts token p + 1, as TransformerLens's {@code lm_cross_entropy_loss}.
     */
    public static float crossEntropy(NDArray logits, NDArray tokens) {
        Shape shape = logits.getShape();
        if (shape.dimension() != 3 || !tokens.getShape().equals(shape.slice(0, 2)) || shape.get(1) < 2) {
            throw new IllegalArgumentException("logits " + shape + " and tokens " + tokens.getShape()
                    + " must be [batch, pos, d_vocab] and [batch, pos] with pos >= 2");
        }
        try (CallScope scope = new CallScope(logits.getManager())) {
            NDArray logProbs = scope.borrow(logits).get(new NDIndex(":, :-1")).logSoftmax(-1);
            NDArray targets = scope.borrow(tokens).get(new NDIndex(":, 1:")).toType(DataType.INT64, false)
                    .toDevice(logProbs.getDevice(), false).expandDims(-1);
            return -logProbs.gather(targets, -1).mean().getFloat();
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    private NDArray run(NDArray tokens, HookVisit visit) {
        NDManager owner = tokens.getManager();
        try (CallScope scope = new CallScope(manager)) {
            NDArray ids = checkedTokens(scope.borrow(tokens));
            NDArray result = forward(ids, visit, scope);
            return scope.keep(result, owner);
        }
    }

    private NDArray forward(NDArray ids, HookVisit visit, CallScope scope) {
        long pos = ids.getShape().get(1);
        NDArray tokenEmbed = visit.at(Site.EMBED, -1, embedRows(ids), scope);
        if (visit.done()) {
            return visit.captured();
        }
        NDArray posRows = positions.get(scope.manager(), new NDIndex(":{}", pos));
        NDArray residual;
        if (visit.targets(Site.POS_EMBED, -1)) {
            // Materialised only when hooked: a hook may modify its argument in place, and must not reach W_pos.
            NDArray posEmbed = visit.at(Site.POS_EMBED, -1, tokenEmbed.zerosLike().addi(posRows), scope);
            if (visit.done()) {
                return visit.captured();
            }
            residual = tokenEmbed.add(posEmbed);
        } else {
            residual = tokenEmbed.add(posRows);
        }
        for (int layer = 0; layer < visit.blocksToRun(config) && !visit.done(); layer++) {
            residual = new BlockPass(blocks.get(layer), layer, visit, scope).run(residual);
        }
        if (visit.done()) {
            return visit.captured();
        }
        return unembed(residual, visit, scope);
    }

    /** The final LayerNorm and the unembedding; TransformerLens hooks the final norm before its affine part. */
    private NDArray unembed(NDArray residual, HookVisit visit, CallScope scope) {
        if (!config.normalization().normalizes()) {
            NDArray hooked = visit.at(Site.LN_FINAL, -1, residual, scope);
            return visit.done() ? visit.captured() : linear(hooked, unembedRows, unembedBias);
        }
        if (!visit.targets(Site.LN_FINAL, -1)) {
            return linear(layerNorm(residual, lnFinal, config.eps()), unembedRows, unembedBias);
        }
        NDArray normalized = visit.at(Site.LN_FINAL, -1, layerNorm(residual, identityNorm, config.eps()), scope);
        if (visit.done()) {
            return visit.captured();
        }
        NDArray scaled = lnFinal == identityNorm ? normalized
                : normalized.mul(lnFinal.weight()).addi(lnFinal.bias());
        return linear(scaled, unembedRows, unembedBias);
    }

    /** {@code W_E[tokens]}, computed as an op on the tokens so the result belongs to the call's manager. */
    private NDArray embedRows(NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow();
    }

    private NDArray normalizeIfNeeded(NDArray x, LayerNormParameters ln) {
        return config.normalization().normalizes() ? layerNorm(x, ln, config.eps()) : x;
    }

    private NDArray checkedTokens(NDArray tokens) {
        Shape shape = tokens.getShape();
        if (shape.dimension() != 2 || shape.get(1) < 1 || shape.get(1) > config.nCtx()) {
            throw new IllegalArgumentException("tokens have shape " + shape + "; expected [batch, pos] with 1 <= pos <= "
                    + config.nCtx() + " (n_ctx of '" + config.modelName() + "')");
        }
        DataType type = tokens.getDataType();
        if (type != DataType.INT32 && type != DataType.INT64) {
            throw new IllegalArgumentException("tokens are " + type + "; expected int32 or int64 token ids");
        }
        NDArray ids = tokens.toDevice(manager.getDevice(), false).toType(DataType.INT64, false);
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= config.dVocab()) {
            throw new IllegalArgumentException("token ids span [" + min + ", " + max + "], outside the vocabulary [0, "
                    + config.dVocab() + ") of '" + config.modelName() + "'");
        }
        return ids;
    }

    private HookPoint requireLayer(HookPoint hook) {
        return HookPoint.validate(hook.name(), config);
    }

    /** One block's forward pass, stopping at the hook being read. */
    private final class BlockPass {
        private final BlockParameters block;
        private final int layer;
        private final HookVisit visit;
        private final CallScope scope;

        BlockPass(BlockParameters block, int layer, HookVisit visit, CallScope scope) {
            this.block = block;
            this.layer = layer;
            this.visit = visit;
            this.scope = scope;
        }

        NDArray run(NDArray input) {
            NDArray residPre = visit.at(Site.RESID_PRE, layer, input, scope);
            if (visit.done()) {
                return residPre;
            }
            NDArray attnIn = normalizeIfNeeded(residPre, block.ln1());
            NDArray attnOut = visit.at(Site.ATTN_OUT, layer,
                    TransformerLayers.attention(attnIn, block, causalMask, config, scope.manager()), scope);
            if (visit.done()) {
                return attnOut;
            }
            NDArray residMid = visit.at(Site.RESID_MID, layer, residPre.add(attnOut), scope);
            if (visit.done()) {
                return residMid;
            }
            NDArray mlpIn = normalizeIfNeeded(residMid, block.ln2());
            NDArray pre = visit.at(Site.MLP_PRE, layer, linear(mlpIn, block.mlpIn(), block.mlpInBias()), scope);
            if (visit.done()) {
                return pre;
            }
            NDArray post = visit.at(Site.MLP_POST, layer, config.actFn().apply(pre), scope);
            if (visit.done()) {
                return post;
            }
            NDArray mlpOut = visit.at(Site.MLP_OUT, layer, linear(post, block.mlpOut(), block.mlpOutBias()), scope);
            if (visit.done()) {
                return mlpOut;
            }
            return visit.at(Site.RESID_POST, layer, residMid.add(mlpOut), scope);
        }
    }
}
