package dev.saesplit.spec;

/**
 * One row of the run table: a wide SAE trained under one configuration.
 *
 * @param id        the row's id, unique within the experiment; names its workflow and tracking run
 * @param purpose   why the row exists, in the researcher's words
 * @param width     latents of the SAE this row trains
 * @param seed      seed for initialisation and data order
 * @param init      configuration I
 * @param normalised configuration II: decoder rows rescaled to unit norm (applies to any init)
 * @param data      configuration III
 * @param loss      configuration IV
 * @param tokens    training token budget
 * @param reported  what a published study reported for this configuration, if it restates one; empty otherwise
 */
public record RunSpec(
        String id,
        String purpose,
        int width,
        long seed,
        Init init,
        boolean normalised,
        DataSelection data,
        LossChange loss,
        long tokens,
        String reported) {
}
