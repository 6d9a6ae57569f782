package dev.saesplit.lm;

import dev.saesplit.pipeline.BadInput;

/** A hook name that is not one of the model's hook points; the message lists the valid ones. */
public final class UnknownHookException extends IllegalArgumentException implements BadInput {

    private final String hook;

    public UnknownHookException(String hook, String problem) {
        super("hook '" + hook + "': " + problem);
        this.hook = hook;
    }

    /** The name that was asked for. */
    public String hook() {
        return hook;
    }
}
