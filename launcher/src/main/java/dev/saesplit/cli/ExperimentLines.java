package dev.saesplit.cli;

import dev.saesplit.filter.FilterActivitiesImpl;
import dev.saesplit.filter.TokenTargetMetrics;
import dev.saesplit.store.RecordedMetrics;
import dev.saesplit.store.ReportRecords;

import javax.sql.DataSource;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Lines about a whole experiment that {@code run} and {@code status} print: the filter's yield, the report. */
final class ExperimentLines {

    private ExperimentLines() {
    }

    /** How many tokens the filter kept, once it ran. */
    static Optional<String> filter(DataSource database, String experiment) {
        Map<String, Double> f = new RecordedMetrics(database).latest(experiment, "", "filter/");
        if (!f.containsKey(FilterActivitiesImpl.TOKENS_KEPT)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "filter: kept %,d of %,d tokens (%.1f %%)",
                f.get(FilterActivitiesImpl.TOKENS_KEPT).longValue(),
                f.getOrDefault(FilterActivitiesImpl.TOKENS_SCANNED, 0.0).longValue(),
                100 * f.getOrDefault(FilterActivitiesImpl.KEPT_FRACTION, 0.0)));
    }

    /** Which latent was chosen as the target, and how specific it is, where it was chosen for a token. */
    static Optional<String> target(DataSource database, String experiment) {
        return TokenTargetMetrics.describe(new RecordedMetrics(database).latest(experiment, "",
                TokenTargetMetrics.PREFIX));
    }

    /** Where the experiment's report.html is, once written. */
    static Optional<String> report(DataSource database, String experiment) {
        return new ReportRecords(database).page(experiment).map(page -> "report: " + page);
    }
}
