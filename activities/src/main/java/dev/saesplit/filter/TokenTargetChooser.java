package dev.saesplit.filter;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.RowTokens;
import dev.saesplit.lm.tokens.SingleToken;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.sae.EncodedRows;
import dev.saesplit.sae.SaeWeights;


/**
 * Chooses the narrow latent for a token ({@code target_latent: {token: "-"}}): every latent's mean activation over
 * the rows read at that token, the highest wins (ties to the lower index), and its specificity is the share of its
 * firings (activation above zero) that fall on that token. Latents are read through the SAE's own encoder, so
 * every architecture is read as it trains.
 */
public final class TokenTargetChooser {

    /** Rows scanned at most: enough for a token of 1 % frequency to appear thousands of times. */
    public static final long MAX_ROWS = 1L << 19;
    private static final int BLOCK = 1024;

    private TokenTargetChooser() {
    }

    /**
     * The id of {@code token} in {@code tokenizer}: the text must encode to exactly one token that decodes back to
     * it (a token the cut vocabulary dropped becomes the unknown token, which does not).
     */
    public static int tokenId(Tokenizer tokenizer, String token) {
        int[] ids = tokenizer.encode(token);
        SingleToken.problem(tokenizer, token, ids).ifPresent(problem -> {
            throw new TargetLatentException("target_latent.token " + problem);
        });
        return ids[0];
    }

    /**
     * Scans the first {@code min(rows.tokens(), maxRows)} rows of {@code rows}, whose tokens {@code tokens} gives
     * (row {@code i} of {@code rows} is row {@code i} of {@code tokens}).
     */
    public static TokenTarget choose(ActivationSource rows, RowTokens tokens, SaeWeights narrow, String token,
                                     int tokenId, long maxRows) {
        int dSae = narrow.config().dSae();
        long scanned = Math.min(rows.tokens(), maxRows);
        double[] onToken = new double[dSae];
        long[] firingsOnToken = new long[dSae];
        long[] firings = new long[dSae];
        long[] tokenRowCount = new long[1];
        EncodedRows.scan(rows, narrow, scanned, BLOCK, (start, encoded) -> {
            float[] latents = encoded.toFloatArray();
            int count = latents.length / dSae;
            for (int r = 0; r < count; r++) {
                boolean isToken = tokens.tokenId(start + r) == tokenId;
                tokenRowCount[0] += isToken ? 1 : 0;
                int offset = r * dSae;
                for (int j = 0; j < dSae; j++) {
                    float a = latents[offset + j];
                    if (a > 0) {
                        firings[j]++;
                        if (isToken) {
                            firingsOnToken[j]++;
                            onToken[j] += a;
                        }
                    }
                }
            }
        });
        long tokenRows = tokenRowCount[0];
        if (tokenRows == 0) {
            throw new TargetLatentException("target_latent.token \"" + token + "\" (id " + tokenId + ") occurs in "
                    + "none of the " + scanned + " training rows scanned, so no latent can be chosen for it");
        }
        int best = 0;
        for (int j = 1; j < dSae; j++) {
            if (onToken[j] > onToken[best]) {
                best = j;
            }
        }
        if (firings[best] == 0) {
            throw new TargetLatentException("target_latent.token \"" + token + "\": no latent of the narrow SAE "
                    + "fires on any of its " + tokenRows + " rows");
        }
        return new TokenTarget(best, token, tokenId, onToken[best] / tokenRows,
                (double) firingsOnToken[best] / firings[best], tokenRows, scanned);
    }
}
