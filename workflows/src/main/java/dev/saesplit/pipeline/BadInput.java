package dev.saesplit.pipeline;

/**
 * Marks an exception caused by what the user gave (a spec, a file, data), not by infrastructure. Retrying
 * cannot fix it, so the worker turns it into a non-retryable failure carrying its message.
 */
public interface BadInput {
}
