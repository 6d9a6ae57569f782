package dev.saesplit.table;

import dev.saesplit.spec.RunSpec;

import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Rows that differ only in seed, grouped: the seed study's third key result, that splitting succeeded across seeds,
 * as a number per configuration ("filtered data, random init, normalised, standard loss, 4096 latents: yes on 3 of 3
 * seeds") with the spread of the children counted and of their coverage. The purpose is not part of a
 * configuration ("run 4, another seed"); the tokens trained on are. A row that evaluates an existing SAE has no
 * seed of its own and stands alone.
 */
public final class SeedGroups {

    /** The final figures the spread is given for. */
    static final String DISTINCT_CHILDREN = "split/distinct_children";
    static final String COVERAGE = "split/coverage";

    private SeedGroups() {
    }

    /**
     * One configuration's rows.
     *
     * @param configuration the shared configuration, in words
     * @param rows          its rows, in table order
     */
    public record Group(String configuration, List<RunTableRow> rows) {

        /** How many evaluated rows had each outcome. */
        public Map<SplitOutcome, Integer> outcomes() {
            Map<SplitOutcome, Integer> counts = new EnumMap<>(SplitOutcome.class);
            rows.forEach(r -> r.splitSuccess().ifPresent(o -> counts.merge(o, 1, Integer::sum)));
            return counts;
        }

        /** The evaluated rows. */
        public int evaluated() {
            return outcomes().values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The range of a final figure over the rows that have it; empty statistics where none has. */
        public DoubleSummaryStatistics spread(String metric) {
            return rows.stream().map(r -> r.results().get(metric)).filter(Objects::nonNull)
                    .mapToDouble(Double::doubleValue).summaryStatistics();
        }

        /**
         * "filtered data, random init, normalised, standard loss, 32 latents, 400,000 tokens: yes on 2 of 3 seeds,
         * partial on 1; distinct children 2–3, coverage of the target's tokens 71–99%".
         */
        public String summary() {
            int evaluated = evaluated();
            List<String> counts = new ArrayList<>();
            for (Map.Entry<SplitOutcome, Integer> e : outcomes().entrySet()) {
                counts.add(counts.isEmpty()
                        ? String.format(Locale.ROOT, "%s on %d of %d seeds", e.getKey().specName(), e.getValue(),
                                evaluated)
                        : e.getKey().specName() + " on " + e.getValue());
            }
            StringBuilder text = new StringBuilder(configuration).append(": ").append(String.join(", ", counts));
            if (evaluated < rows.size()) {
                text.append(counts.isEmpty() ? "" : "; ").append(rows.size() - evaluated).append(" of ")
                        .append(rows.size()).append(" not evaluated yet");
            }
            DoubleSummaryStatistics children = spread(DISTINCT_CHILDREN);
            DoubleSummaryStatistics coverage = spread(COVERAGE);
            if (children.getCount() > 0) {
                text.append(String.format(Locale.ROOT, "; distinct children %s", range(children, 1, "")));
            }
            if (coverage.getCount() > 0) {
                text.append(String.format(Locale.ROOT, ", coverage of the target's tokens %s",
                        range(coverage, 100, "%")));
            }
            return text.toString();
        }

        private static String range(DoubleSummaryStatistics s, double scale, String unit) {
            long min = Math.round(s.getMin() * scale);
            long max = Math.round(s.getMax() * scale);
            return (min == max ? Long.toString(min) : min + "–" + max) + unit;
        }
    }

    /** The groups of two rows or more, in the table order of their first rows. */
    public static List<Group> of(List<RunTableRow> rows) {
        Map<List<Object>, List<RunTableRow>> byConfiguration = new LinkedHashMap<>();
        for (RunTableRow row : rows) {
            RunSpec c = row.config();
            if (!c.evaluatesExisting()) {
                byConfiguration.computeIfAbsent(List.of(c.width(), c.init(), c.normalised(), c.data(), c.loss(),
                        c.tokens(), architecture(c)), k -> new ArrayList<>()).add(row);
            }
        }
        List<Group> groups = new ArrayList<>();
        for (List<RunTableRow> members : byConfiguration.values()) {
            if (members.size() >= 2) {
                groups.add(new Group(describe(members.get(0).config()), List.copyOf(members)));
            }
        }
        return groups;
    }

    private static String describe(RunSpec c) {
        String configuration = String.format(Locale.ROOT, "%s data, %s init, %s, %s loss, %d latents, %,d tokens",
                c.data().specName(), c.init().specName(), c.normalised() ? "normalised" : "not normalised",
                c.loss().specName(), c.width(), c.tokens());
        return c.architecture() == null ? configuration : c.architecture().describe() + ", " + configuration;
    }

    /** The row's architecture with its settings, as the table shows it. */
    private static String architecture(RunSpec c) {
        return c.architecture() == null ? "" : c.architecture().describe();
    }
}
