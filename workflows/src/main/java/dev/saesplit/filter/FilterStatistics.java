package dev.saesplit.filter;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a filter pass saw: {@code filter_stats.json}, beside the kept rows in the filter's output; the report reads it.
 *
 * @param threshold     the activation a kept token exceeded
 * @param tokensScanned rows of the source
 * @param tokensKept    rows kept
 * @param keptFraction  {@code tokensKept / tokensScanned}
 * @param histogram     the target latent's activation over every scanned token
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FilterStatistics(float threshold, long tokensScanned, long tokensKept, double keptFraction,
                               ActivationHistogram histogram) {

    public static final String FILE_NAME = "filter_stats.json";
}
