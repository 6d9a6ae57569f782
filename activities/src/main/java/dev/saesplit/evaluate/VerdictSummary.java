package dev.saesplit.evaluate;

import dev.saesplit.table.SplitOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run table's reason: one short sentence in the seed study's register ("2/3, no specific feature for '-' after
 * a number") that names the children counted, the parent surviving, what was set aside and why, and the figure that
 * decided the verdict. Every figure behind it stays in the verdict's full reason, {@code split_report.json} and the
 * report.
 */
final class VerdictSummary {

    /** Latents named per clause; the rest are counted. */
    private static final int NAMED = 3;

    private VerdictSummary() {
    }

    /**
     * @param groups  the children grouped into one child learned several times ({@link DistinctChildren#groups})
     * @param counted the groups counted as distinct children ({@link DistinctChildren#counted})
     */
    static String of(SplitOutcome outcome, double minCoverage, int minChildren, List<SplitReport.Latent> children,
                     List<SplitReport.Latent> parents, List<SplitReport.SetAside> setAside,
                     SplitReport.SetMeasurements split, List<List<Integer>> groups, List<Integer> counted) {
        List<String> countedLatents = new ArrayList<>();
        List<String> repeats = new ArrayList<>();
        List<String> overlapping = new ArrayList<>();
        for (int x = 0; x < groups.size(); x++) {
            List<Integer> members = groups.get(x);
            (counted.contains(x) ? countedLatents : overlapping).add(latent(children, members.get(0)));
            for (int m = 1; m < members.size(); m++) {
                repeats.add(latent(children, members.get(m)));
            }
        }
        StringBuilder text = new StringBuilder();
        if (children.isEmpty()) {
            text.append("no latent fires specifically on the target's tokens");
        } else if (outcome == SplitOutcome.NO) {
            text.append(String.format(Locale.ROOT, "%d %s (%s), %d needed", countedLatents.size(),
                    countedLatents.size() == 1 ? "child" : "children", names(countedLatents), minChildren));
        } else {
            text.append(String.format(Locale.ROOT, "children %s cover %.0f%% of the target", names(countedLatents),
                    100 * split.ownActivationCoverage()));
            if (outcome == SplitOutcome.PARTIAL) {
                text.append(String.format(Locale.ROOT, ", %.0f%% needed", 100 * minCoverage));
            }
        }
        List<String> aside = new ArrayList<>();
        addClause(aside, overlapping, "fires with a child", "fire with a child");
        addClause(aside, repeats, "repeats a child", "repeat a child");
        addClause(aside, kind(setAside, SplitReport.SetAside.BACKGROUND), "background", "background");
        addClause(aside, kind(setAside, SplitReport.SetAside.ELSEWHERE), "mostly elsewhere", "mostly elsewhere");
        addClause(aside, kind(setAside, SplitReport.SetAside.MAGNITUDE), "the target by size", "the target by size");
        if (!aside.isEmpty()) {
            text.append("; set aside ").append(String.join(", ", aside));
        }
        if (!parents.isEmpty()) {
            text.append("; the parent survives as ").append(names(parents.stream()
                    .map(p -> Integer.toString(p.latent())).toList()));
        }
        return text.toString();
    }

    private static String latent(List<SplitReport.Latent> children, int position) {
        return Integer.toString(children.get(position).latent());
    }

    private static List<String> kind(List<SplitReport.SetAside> setAside, String why) {
        return setAside.stream().filter(l -> l.why().equals(why)).map(l -> Integer.toString(l.latent())).toList();
    }

    /** "5 (fires with a child)", "5, 7 (fire with a child)". */
    private static void addClause(List<String> clauses, List<String> latents, String one, String several) {
        if (!latents.isEmpty()) {
            clauses.add(names(latents) + " (" + (latents.size() == 1 ? one : several) + ")");
        }
    }

    /** "5", "5, 7, 9", "5, 7, 9 +4 more". */
    private static String names(List<String> latents) {
        List<String> shown = new ArrayList<>(latents.subList(0, Math.min(NAMED, latents.size())));
        if (latents.size() > NAMED) {
            shown.add("+" + (latents.size() - NAMED) + " more");
        }
        return String.join(", ", shown);
    }
}
