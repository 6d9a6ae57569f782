package dev.saesplit.evaluate;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.filter.FilterConfig;
import dev.saesplit.filter.FilterResult;
import dev.saesplit.data.FilteredActivationSource;
import dev.saesplit.filter.FilteredDataSelector;
import dev.saesplit.filter.LatentProbe;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;
import dev.saesplit.train.SmallSaes;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rows of a split-verdict calibration over one generated hierarchy, whoever generated it: a narrow SAE with a
 * quarter as many latents as there are features, each parent it learned and its best-learned leaf as targets, and
 * per target a wide SAE trained on the target's tokens (filtered) and one on all tokens, each judged by the
 * behavioural verdict and by the exact one from the labels. Also the summary and the assertions the calibrations
 * share.
 */
final class CalibrationRows {

    static final int BATCH = 256;
    static final double THRESHOLD = 0.5;

    /**
     * One judged row.
     *
     * @param absorbed whether the target lost part of its parent's children to other narrow latents (it fires on
     *                 fewer than {@code min_specificity} of their tokens)
     */
    record Row(String name, boolean filtered, boolean leaf, boolean absorbed, SplitOutcome exact,
               SplitOutcome behavioural, String reason) {
    }

    private CalibrationRows() {
    }

    /**
     * @param data       the directory holding the ground truth
     * @param all        opens the hierarchy's activations, all rows
     * @param childCount children per parent, which sets the filtered SAEs' width
     * @param key        names this hierarchy's SAEs in the SAE cache
     */
    static List<Row> of(String label, Path data, Supplier<ActivationSource> all, GroundTruth truth, int childCount,
                        long seed, String key, Path scratch) throws Exception {
        return of(label, data, all, truth, childCount, seed, key, scratch, Wide.RELU);
    }

    /**
     * How the wide SAEs are trained: ReLU with the L1 penalty, or another architecture. The narrow SAE is always
     * ReLU's, as a study's narrow SAE is.
     *
     * @param name         names the architecture in row labels and its SAEs in the SAE cache ("" for ReLU)
     * @param architecture the architecture of a wide SAE of the given width
     * @param sparsity     ReLU's L1 coefficient, JumpReLU's L0 coefficient; unused by the TopK family
     */
    record Wide(String name, IntFunction<SaeArchitecture> architecture, double sparsity) {
        static final Wide RELU = new Wide("", width -> new StandardArchitecture(), 1.0);

        SaeWeights train(ActivationSource source, int width, int steps, long seed) {
            return SmallSaes.train(source, architecture.apply(width), width, steps, seed, BATCH, sparsity, 300);
        }
    }

    /** As above, with the wide SAEs trained as {@code wide} says. */
    static List<Row> of(String label, Path data, Supplier<ActivationSource> all, GroundTruth truth, int childCount,
                        long seed, String key, Path scratch, Wide wide) throws Exception {
        String wideKey = wide.name() + key;
        String wideLabel = wide.name().isEmpty() ? label : wide.name() + " " + label;
        List<Row> rows = new ArrayList<>();
        long tokens;
        try (ActivationSource source = all.get()) {
            tokens = source.tokens();
        }
        try (ActivationSource training = HeldOutSplit.training(all.get());
             ActivationSource heldOut = HeldOutSplit.heldOut(all.get())) {
            int dIn = training.dIn();
            int features = truth.config().features();
            SaeWeights narrow = trained("n" + key, () -> train(training, features / 4, 1500, seed));
            List<int[]> targets = new ArrayList<>();
            for (HierarchyParent parent : truth.parents()) {
                targets.add(new int[] {parent.feature(), latentFor(narrow, truth, parent.feature())});
            }
            int leaf = bestLearnedLeaf(narrow, truth);
            targets.add(new int[] {leaf, latentFor(narrow, truth, leaf)});
            for (int[] target : targets) {
                if (target[1] < 0) {
                    continue; // the narrow SAE did not learn this feature: no target to study
                }
                FilterResult filtered = new FilteredDataSelector(FilterConfig.withThreshold((float) THRESHOLD)).select(
                        training, LatentProbe.of(narrow, target[1]), scratch.resolve("f" + key + "-" + target[1]));
                if (filtered.statistics().tokensKept() < BATCH) {
                    continue;
                }
                Optional<HeldOutTruth> heldOutTruth = Optional.of(HeldOutTruth.of(data,
                        HeldOutSplit.trainingRows(tokens)));
                try (ActivationSource parentTokens = FilteredActivationSource.open(training,
                        filtered.keptRowsFile())) {
                    int width = 2 * childCount + 2;
                    rows.add(row(wideLabel, true, target, truth, narrow, trained("f" + wideKey + "-" + target[1],
                            () -> wide.train(parentTokens, width, 1500, seed + 1)), heldOut, heldOutTruth));
                }
                rows.add(row(wideLabel, false, target, truth, narrow, trained("a" + wideKey,
                        () -> wide.train(training, features + 8, 2500, seed + 2)), heldOut, heldOutTruth));
                assertEquals(dIn, narrow.dIn());
            }
        }
        return rows;
    }

    private static Row row(String label, boolean filtered, int[] target, GroundTruth truth, SaeWeights narrow,
                           SaeWeights wide, ActivationSource heldOut, Optional<HeldOutTruth> heldOutTruth) {
        SplitEvaluator.Findings f = SplitEvaluator.evaluate(new SplitEvaluator.Subject(wide, narrow, target[1],
                THRESHOLD, -1, filtered), heldOut, SplitCriteria.DEFAULTS, heldOutTruth);
        boolean leaf = !truth.isParent(target[0]);
        String name = String.format(Locale.ROOT, "%s feature %d (%s, latent %d) %s", label, target[0],
                leaf ? "leaf" : "parent", target[1], filtered ? "filtered" : "all");
        boolean absorbed = f.groundTruth().reason().contains("not the target's");
        if (System.getProperty("saesplit.debugRoles") != null) {
            System.out.println(name + ": exact " + f.groundTruth().outcome() + ", behavioural "
                    + f.verdict().outcome() + String.format(Locale.ROOT, " [%d distinct, own coverage %.3f, bias %.3f]",
                    f.split().distinctChildren(), f.split().ownActivationCoverage(), f.split().biasCoverage())
                    + " — " + f.verdict().reason() + " | " + f.groundTruth().reason());
            for (SplitReport.SetAside a : f.setAside()) {
                System.out.println(String.format(Locale.ROOT, "  set aside %d %s: cosine %.2f, recall %.3f, "
                        + "off-target rate %.4f (baseline %.4f) over %d quiet of %d tokens; narrow %d (cosine %.2f) "
                        + "%.3f on, %.3f off", a.latent(), a.why(), a.cosine(), a.recall(), a.offTargetRate(),
                        a.offTargetBaseline(), f.heldOutTokens() - f.targetTokens(), f.heldOutTokens(),
                        a.narrowLatent(), a.narrowCosine(), a.narrowRateOn(), a.narrowRateOff()));
            }
            for (SplitReport.Latent c : f.children()) {
                System.out.println(String.format(Locale.ROOT, "  child %d: cosine %.2f, recall %.3f", c.latent(),
                        c.cosine(), c.recall()));
            }
        }
        return new Row(name, filtered, leaf, absorbed, f.groundTruth().outcome(), f.verdict().outcome(),
                f.verdict().reason() + " | " + f.groundTruth().reason());
    }

    /**
     * The narrow latent that learned {@code feature}, or -1. A narrow SAE learns a parent mixed with its children
     * (cosine 0.6–0.9 here), so a parent is taken from 0.6; a leaf must be learned cleanly.
     */
    private static int latentFor(SaeWeights narrow, GroundTruth truth, int feature) {
        DecoderCosines.Match best = DecoderCosines.best(narrow, truth.direction(feature));
        return best.cosine() >= (truth.isParent(feature) ? 0.6 : 0.8) ? best.latent() : -1;
    }

    /** The independent feature (a leaf: no children) that the narrow SAE learned most cleanly. */
    private static int bestLearnedLeaf(SaeWeights narrow, GroundTruth truth) {
        int best = truth.config().firstIndependentFeature();
        for (int f = best; f < truth.config().features(); f++) {
            if (DecoderCosines.best(narrow, truth.direction(f)).cosine()
                    > DecoderCosines.best(narrow, truth.direction(best)).cosine()) {
                best = f;
            }
        }
        return best;
    }

    private static SaeWeights train(ActivationSource source, int width, int steps, long seed) {
        return SmallSaes.train(source, width, steps, seed, BATCH, 1.0, 300);
    }

    /**
     * Trains, or with {@code -Dsaesplit.calibration.saes=DIR} reuses the SAE saved there under {@code key}: the
     * verdict can then be changed and judged again in seconds, on the same SAEs.
     */
    private static SaeWeights trained(String key, Supplier<SaeWeights> training) {
        String cache = System.getProperty("saesplit.calibration.saes");
        if (cache == null) {
            return training.get();
        }
        Path saved = Path.of(cache, key);
        if (Files.isDirectory(saved)) {
            return SaeLensFormat.read(saved);
        }
        SaeWeights weights = training.get();
        SaeLensFormat.write(saved, weights, new float[weights.dSae()]);
        return weights;
    }

    /** Prints the rows' disagreements, confusion table and agreement; returns the rows that agree. */
    static long summarise(String title, List<Row> rows) {
        System.out.println(title + ":");
        Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion = confusion(rows);
        int agree = 0;
        for (Row row : rows) {
            agree += row.exact() == row.behavioural() ? 1 : 0;
            if (row.exact() != row.behavioural()) {
                System.out.println("disagree " + row.name() + ": exact " + row.exact().specName() + ", behavioural "
                        + row.behavioural().specName() + " — " + row.reason());
            }
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d of %d rows agree (%.1f %%); true yes %d, behavioural yes %d; absorbed targets %d%n%-14s", agree,
                rows.size(), rows.isEmpty() ? 0 : 100.0 * agree / rows.size(), count(rows, true, SplitOutcome.YES),
                count(rows, false, SplitOutcome.YES), rows.stream().filter(Row::absorbed).count(), "exact \\ behav."));
        for (SplitOutcome b : SplitOutcome.values()) {
            out.append(String.format(Locale.ROOT, "%9s", b.specName()));
        }
        for (SplitOutcome e : SplitOutcome.values()) {
            out.append(String.format(Locale.ROOT, "%n%-14s", e.specName()));
            for (SplitOutcome b : SplitOutcome.values()) {
                out.append(String.format(Locale.ROOT, "%9d", confusion.getOrDefault(e, Map.of()).getOrDefault(b, 0)));
            }
        }
        System.out.println(out);
        return agree;
    }

    /** Asserts the agreement floor over {@code rows}, which must not be empty. */
    static void assertAgreement(String what, List<Row> rows, double floor) {
        assertTrue(!rows.isEmpty(), what + ": no rows");
        long agree = rows.stream().filter(r -> r.exact() == r.behavioural()).count();
        assertTrue(agree >= floor * rows.size(), String.format(Locale.ROOT, "%s: %d of %d agree, %.0f %% needed",
                what, agree, rows.size(), 100 * floor));
    }

    /** Asserts that at least {@code share} of {@code rows} have the exact verdict {@code outcome}. */
    static void assertCommon(String what, List<Row> rows, SplitOutcome outcome, double share) {
        long with = count(rows, true, outcome);
        assertTrue(with >= share * rows.size(), with + " of " + rows.size() + " " + what + " rows whose exact verdict"
                + " is " + outcome.specName() + ": too few for the agreement to mean anything");
    }

    /** Leaf targets judged on wide SAEs trained on their own tokens must not split. */
    static void assertFilteredLeavesSayNo(List<Row> rows) {
        for (Row row : rows) {
            if (row.filtered() && row.leaf() && row.exact() == SplitOutcome.NO) {
                assertEquals(SplitOutcome.NO, row.behavioural(), row.name() + ": " + row.reason());
            }
        }
    }

    private static long count(List<Row> rows, boolean exact, SplitOutcome outcome) {
        return rows.stream().filter(r -> (exact ? r.exact() : r.behavioural()) == outcome).count();
    }

    private static Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion(List<Row> rows) {
        Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion = new EnumMap<>(SplitOutcome.class);
        for (Row row : rows) {
            confusion.computeIfAbsent(row.exact(), k -> new EnumMap<>(SplitOutcome.class))
                    .merge(row.behavioural(), 1, Integer::sum);
        }
        return confusion;
    }
}
