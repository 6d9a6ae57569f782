package dev.saesplit.filter;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A target chosen by token as experiment-level metrics ({@code target/...}, run "" of the experiment): what
 * PostgreSQL keeps, MLflow shows on the parent run, and {@code run}, {@code status}, {@code table} and the report
 * print.
 */
public final class TokenTargetMetrics {

    public static final String PREFIX = "target/";
    static final String LATENT = PREFIX + "latent";
    static final String TOKEN_ID = PREFIX + "token_id";
    static final String MEAN_ACTIVATION = PREFIX + "mean_activation_on_token";
    static final String SPECIFICITY = PREFIX + "specificity";
    static final String TOKEN_ROWS = PREFIX + "token_rows";

    private TokenTargetMetrics() {
    }

    /** The metrics the filter records for a target it chose. */
    public static Map<String, Double> of(TokenTarget chosen) {
        return Map.of(LATENT, (double) chosen.latent(), TOKEN_ID, (double) chosen.tokenId(),
                MEAN_ACTIVATION, chosen.meanActivation(), SPECIFICITY, chosen.specificity(),
                TOKEN_ROWS, (double) chosen.tokenRows());
    }

    /** One line about the chosen target, from an experiment's latest {@code target/} metrics; empty before. */
    public static Optional<String> describe(Map<String, Double> metrics) {
        if (!metrics.containsKey(LATENT) || !metrics.containsKey(SPECIFICITY)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "target: latent %d, chosen for token id %d: mean activation "
                        + "%.3f on its %,d rows, specificity %.1f %% (share of the latent's firings on that token)",
                metrics.get(LATENT).intValue(), metrics.getOrDefault(TOKEN_ID, -1.0).intValue(),
                metrics.getOrDefault(MEAN_ACTIVATION, Double.NaN), metrics.getOrDefault(TOKEN_ROWS, 0.0).longValue(),
                100 * metrics.get(SPECIFICITY)));
    }
}
