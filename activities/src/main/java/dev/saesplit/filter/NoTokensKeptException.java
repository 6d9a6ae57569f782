package dev.saesplit.filter;

import dev.saesplit.pipeline.BadInput;

/** The filter kept no token: the target latent never fires above the threshold, so filtered rows cannot train. */
public final class NoTokensKeptException extends RuntimeException implements BadInput {

    public NoTokensKeptException(int latent, double threshold, long scanned) {
        super("latent " + latent + " of the narrow SAE never fires above the filter threshold " + threshold
                + " on the " + scanned + " tokens scanned; lower filter_threshold or choose another target_latent");
    }
}
