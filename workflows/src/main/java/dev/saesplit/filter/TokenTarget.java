package dev.saesplit.filter;

/**
 * The narrow latent chosen for a token ({@code target_latent: {token: "-"}}): the one with the highest mean
 * activation on the rows read at that token.
 *
 * @param latent         the chosen latent's index in the narrow SAE
 * @param token          the token as the spec wrote it
 * @param tokenId        its id in the model's vocabulary
 * @param meanActivation the latent's mean activation over the token's rows
 * @param specificity    the share of the latent's firings (activation above zero) that are on the token
 * @param tokenRows      rows read at the token among those scanned
 * @param rowsScanned    training rows scanned
 */
public record TokenTarget(int latent, String token, int tokenId, double meanActivation, double specificity,
                          long tokenRows, long rowsScanned) {

    /** One line for a terminal or a report. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "target latent %d, chosen for token \"%s\" (id %d): mean "
                        + "activation %.3f on its %,d rows; specificity %.1f %% (share of the latent's firings on "
                        + "that token, over %,d training rows)", latent, token, tokenId, meanActivation, tokenRows,
                100 * specificity, rowsScanned);
    }
}
