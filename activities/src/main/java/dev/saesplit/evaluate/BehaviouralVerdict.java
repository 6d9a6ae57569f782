package dev.saesplit.evaluate;

import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The split verdict from behaviour alone: {@code yes} when at least {@code min_children} distinct children cover
 * the target (at least {@code min_coverage} of its activation summed over its tokens, less what went to latents of
 * other features), {@code partial} when they are distinct but leave too much of it uncovered, {@code no}
 * otherwise. The reason names the latents and the numbers that decided it.
 */
final class BehaviouralVerdict {

    private BehaviouralVerdict() {
    }

    static SplitReport.Verdict judge(SplitCriteria criteria, long targetTokens, long heldOutTokens,
                                     List<SplitReport.Latent> children, List<SplitReport.Latent> parents,
                                     List<SplitReport.SetAside> setAside, SplitReport.SetMeasurements split) {
        if (targetTokens == 0) {
            String reason = String.format(Locale.ROOT,
                    "the target never fires above the threshold on the %d held-out tokens", heldOutTokens);
            return new SplitReport.Verdict(SplitOutcome.NO, reason, reason);
        }
        String survivors = (parents.isEmpty() ? "" : "; the parent survives as " + describe(parents, 2))
                + setAside(setAside);
        List<List<Integer>> groups = DistinctChildren.groups(split.pairwiseJaccard(), split.pairwiseCosine(),
                criteria.maxChildJaccard());
        String duplicates = duplicates(children, split, groups) + overlaps(children, split, groups,
                criteria.maxChildOverlap());
        List<Integer> counted = DistinctChildren.counted(groups, split.pairwiseContainment(),
                criteria.maxChildOverlap());
        int distinct = split.distinctChildren();
        if (distinct < criteria.minChildren()) {
            String found = children.isEmpty() ? "no wide latent fires specifically on the target's tokens"
                    : plural(distinct, "distinct child") + " (" + describe(children, 4) + ")";
            return verdict(SplitOutcome.NO, String.format(Locale.ROOT, "%s; %d needed%s%s", found,
                    criteria.minChildren(), duplicates, survivors), criteria, children, parents, setAside, split,
                    groups, counted);
        }
        String covered = split.activationElsewhere() > 0 ? String.format(Locale.ROOT, "%.0f%% of the target's "
                        + "activation that no other feature's latent drives (%.0f%% of all of it, %.0f%% of its "
                        + "tokens)",
                100 * split.ownActivationCoverage(), 100 * split.activationCoverage(), 100 * split.coverage())
                : String.format(Locale.ROOT, "%.0f%% of the target's activation (%.0f%% of its tokens)",
                100 * split.ownActivationCoverage(), 100 * split.coverage());
        if (split.biasCoverage() > 0) {
            covered += String.format(Locale.ROOT, ", %.0f%% of it in the decoder bias", 100 * split.biasCoverage());
        }
        String summary = String.format(Locale.ROOT, "%s (%s) cover %s", plural(distinct, "distinct child"),
                describe(children, 6), covered);
        if (split.ownActivationCoverage() < criteria.minCoverage()) {
            return verdict(SplitOutcome.PARTIAL, String.format(Locale.ROOT, "%s, %.0f%% needed%s%s", summary,
                    100 * criteria.minCoverage(), duplicates, survivors), criteria, children, parents, setAside, split,
                    groups, counted);
        }
        return verdict(SplitOutcome.YES, summary + duplicates + survivors, criteria, children, parents, setAside,
                split, groups, counted);
    }

    private static SplitReport.Verdict verdict(SplitOutcome outcome, String reason, SplitCriteria criteria,
                                               List<SplitReport.Latent> children, List<SplitReport.Latent> parents,
                                               List<SplitReport.SetAside> setAside, SplitReport.SetMeasurements split,
                                               List<List<Integer>> groups, List<Integer> counted) {
        return new SplitReport.Verdict(outcome, reason, VerdictSummary.of(outcome, criteria.minCoverage(),
                criteria.minChildren(), children, parents, setAside, split, groups, counted));
    }

    /** "; latents 5, 9 are one child (Jaccard 0.80, cosine 0.97), counted once", per group of several children. */
    private static String duplicates(List<SplitReport.Latent> children, SplitReport.SetMeasurements split,
                                     List<List<Integer>> groups) {
        StringBuilder text = new StringBuilder();
        for (List<Integer> group : groups) {
            if (group.size() < 2) {
                continue;
            }
            List<String> names = new ArrayList<>();
            double overlap = 0;
            double cosine = -1;
            for (int a : group) {
                names.add(Integer.toString(children.get(a).latent()));
                for (int b : group) {
                    if (a != b) {
                        overlap = Math.max(overlap, split.pairwiseJaccard()[a][b]);
                        cosine = Math.max(cosine, split.pairwiseCosine()[a][b]);
                    }
                }
            }
            text.append(String.format(Locale.ROOT, "; latents %s are one child (Jaccard %.2f, cosine %.2f), counted "
                    + "once", String.join(", ", names), overlap, cosine));
        }
        return text.toString();
    }

    /** "; latent 20 fires on 34% of latent 28's tokens: not two children", per overlapping pair of groups. */
    private static String overlaps(List<SplitReport.Latent> children, SplitReport.SetMeasurements split,
                                   List<List<Integer>> groups, double maxOverlap) {
        StringBuilder text = new StringBuilder();
        for (int[] pair : DistinctChildren.overlaps(groups, split.pairwiseContainment(), maxOverlap)) {
            text.append(String.format(Locale.ROOT, "; latent %d fires on %.0f%% of latent %d's tokens: not two "
                            + "children",
                    children.get(pair[0]).latent(), 100 * split.pairwiseContainment()[pair[0]][pair[1]],
                    children.get(pair[1]).latent()));
        }
        return text.toString();
    }

    /**
     * "; set aside: latents 3, 8 along the target's direction or against it (magnitude), latent 5 as often off the
     * target's tokens as on them (background, as narrow latent 2 sees it)".
     */
    private static String setAside(List<SplitReport.SetAside> setAside) {
        List<String> parts = new ArrayList<>();
        List<String> magnitude = setAside.stream().filter(l -> l.why().equals(SplitReport.SetAside.MAGNITUDE))
                .map(l -> Integer.toString(l.latent())).toList();
        if (!magnitude.isEmpty()) {
            parts.add(latents(magnitude) + " along the target's direction or against it (magnitude)");
        }
        List<String> background = setAside.stream().filter(l -> l.why().equals(SplitReport.SetAside.BACKGROUND))
                .map(l -> String.format(Locale.ROOT, "%d (narrow latent %d fires on %.0f%% of the target's tokens, "
                        + "%.0f%% of others)", l.latent(), l.narrowLatent(), 100 * l.narrowRateOn(),
                        100 * l.narrowRateOff())).toList();
        if (!background.isEmpty()) {
            parts.add(latents(background) + " occur as often elsewhere (background)");
        }
        List<String> elsewhere = setAside.stream().filter(l -> l.why().equals(SplitReport.SetAside.ELSEWHERE))
                .map(l -> Integer.toString(l.latent())).toList();
        if (!elsewhere.isEmpty()) {
            parts.add(latents(elsewhere) + " fire mostly off the target's tokens, read there as target tokens "
                    + "(another feature's, which the target only partly covers)");
        }
        return parts.isEmpty() ? "" : "; set aside: " + String.join("; ", parts);
    }

    private static String latents(List<String> names) {
        int limit = 4;
        List<String> shown = new ArrayList<>(names.subList(0, Math.min(limit, names.size())));
        if (names.size() > limit) {
            shown.add("+" + (names.size() - limit) + " more");
        }
        return (names.size() == 1 ? "latent " : "latents ") + String.join(", ", shown);
    }

    private static String describe(List<SplitReport.Latent> latents, int limit) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, latents.size()); i++) {
            SplitReport.Latent l = latents.get(i);
            parts.add(Integer.toString(l.latent()));
        }
        if (latents.size() > limit) {
            parts.add("+" + (latents.size() - limit) + " more");
        }
        return (latents.size() == 1 ? "latent " : "latents ") + String.join(", ", parts);
    }

    private static String plural(int n, String noun) {
        return n + " " + (n == 1 ? noun : noun.replace("child", "children"));
    }
}
