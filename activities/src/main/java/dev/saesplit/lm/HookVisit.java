package dev.saesplit.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.saesplit.lm.HookPoint.Site;
import java.util.function.UnaryOperator;

/**
 * What one forward pass does at its hook: nothing ({@link #NONE}), replace the activation, and/or capture it
 * and stop. The forward pass offers every activation to {@link #at} and asks {@link #done} before going on.
 */
final class HookVisit {

    static final HookVisit NONE = new HookVisit(null, null, false);

    private final HookPoint hook;
    private final UnaryOperator<NDArray> replace;
    private final boolean capture;
    private NDArray captured;

    /**
     * @param hook    the hook, or null for none
     * @param replace what to put in the activation's place, or null to leave it
     * @param capture whether to stop at the hook and return its activation
     */
    HookVisit(HookPoint hook, UnaryOperator<NDArray> replace, boolean capture) {
        this.hook = hook;
        this.replace = replace;
        this.capture = capture;
    }

    /** Whether ({@code site}, {@code layer}) is this visit's hook. */
    boolean targets(Site site, int layer) {
        return hook != null && hook.site() == site && hook.layer() == layer;
    }

    /** The activation the pass continues with at ({@code site}, {@code layer}). */
    NDArray at(Site site, int layer, NDArray activation, CallScope scope) {
        if (!targets(site, layer)) {
            return activation;
        }
        NDArray result = activation;
        if (replace != null) {
            result = replace.apply(activation);
            if (result == null || !result.getShape().equals(activation.getShape())) {
                Shape got = result == null ? null : result.getShape();
                throw new IllegalArgumentException("the replacement at hook '" + hook + "' has shape " + got
                        + "; it must keep the activation's shape " + activation.getShape());
            }
            scope.borrow(result);
        }
        if (capture) {
            captured = result;
        }
        return result;
    }

    /** Every block when the logits are wanted; only those up to the hook's when the pass stops there. */
    int blocksToRun(TransformerConfig config) {
        return capture ? hook.blocksNeeded(config) : config.nLayers();
    }

    /** Whether the captured activation is ready, so the pass can stop. */
    boolean done() {
        return captured != null;
    }

    NDArray captured() {
        return captured;
    }
}
