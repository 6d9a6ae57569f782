package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.evaluate.HeldOutPass;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.tokens.MarkedTokenLocator;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.spec.SplitCriteria;

import java.util.OptionalInt;

/**
 * Runs a probe prompt through the model to the hook and reads both SAEs at its marked token. The prompt is
 * tokenized as the activation cache tokenizes its contexts: without special tokens, then BOS at position 0 when
 * the cache's contexts start with one ({@code prepend_bos}), unless the prompt's first token already is BOS. So
 * the marked token is read in the same conditions as the cached rows the SAEs were trained on.
 */
final class ProbeRunner {

    /**
     * What the SAEs read at a probe's marked token.
     *
     * @param position the marked token's position in the model's input (BOS counted)
     * @param target   the narrow target latent's activation
     * @param wide     every wide latent's activation
     * @param unread   whether the wide SAE was not read there (its latents zero): one trained on filtered data, at
     *                 a token where the target is quiet (see {@link HeldOutPass.TargetTokensOnly})
     */
    record Reading(int position, double target, float[] wide, boolean unread) {
    }

    private final Transformer model;
    private final Tokenizer tokenizer;
    private final HookPoint hook;
    private final OptionalInt bos;
    private final SparseAutoencoder narrow;
    private final int targetLatent;
    private final SparseAutoencoder wide;
    private final HeldOutPass.TargetTokensOnly only;

    /**
     * @param prependBos whether the cache put BOS first in every context
     * @param only       where the evaluation reads the wide SAE, or null: everywhere
     */
    ProbeRunner(Transformer model, Tokenizer tokenizer, HookPoint hook, boolean prependBos, SparseAutoencoder narrow,
                int targetLatent, SparseAutoencoder wide, HeldOutPass.TargetTokensOnly only) {
        if (prependBos && tokenizer.bosTokenId().isEmpty()) {
            throw new InterpretationInputException("the contexts start with BOS (prepend_bos), but the tokenizer "
                    + tokenizer.identity() + " declares no BOS token");
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.hook = hook;
        this.bos = prependBos ? tokenizer.bosTokenId() : OptionalInt.empty();
        this.narrow = narrow;
        this.targetLatent = targetLatent;
        this.wide = wide;
        this.only = only;
    }

    Reading read(SplitCriteria.Probe probe) {
        int[] prompt = tokenizer.encode(probe.prompt());
        int marked = MarkedTokenLocator.positionOf(tokenizer, probe.prompt(), probe.token());
        boolean addBos = bos.isPresent() && (prompt.length == 0 || prompt[0] != bos.getAsInt());
        int[] ids = new int[prompt.length + (addBos ? 1 : 0)];
        if (addBos) {
            ids[0] = bos.getAsInt();
        }
        System.arraycopy(prompt, 0, ids, addBos ? 1 : 0, prompt.length);
        int position = marked + (addBos ? 1 : 0);
        int nCtx = model.config().nCtx();
        if (ids.length > nCtx) {
            throw new InterpretationInputException("probe prompt \"" + probe.prompt() + "\" is " + ids.length
                    + " tokens" + (addBos ? " with BOS" : "") + ", longer than the model's context n_ctx = " + nCtx);
        }
        try (NDManager scratch = narrow.manager().newSubManager()) {
            NDArray tokens = scratch.create(ids, new Shape(1, ids.length));
            NDArray x = model.activations(tokens, hook).get(new NDIndex("0, {}:{}", position, position + 1))
                    .toDevice(scratch.getDevice(), false);
            float target = narrow.encode(x).get(new NDIndex(":, {}", targetLatent)).getFloat(0);
            boolean unread = only != null && !(target > only.threshold());
            float[] latents = unread ? new float[(int) wide.config().dSae()] : wide.encode(x).toFloatArray();
            return new Reading(position, target, latents, unread);
        }
    }
}
