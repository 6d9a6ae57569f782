package dev.saesplit.evaluate;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.filter.FilterConfig;
import dev.saesplit.filter.FilterResult;
import dev.saesplit.filter.FilteredActivationSource;
import dev.saesplit.filter.FilteredDataSelector;
import dev.saesplit.filter.LatentProbe;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;
import dev.saesplit.train.SmallSaes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calibration of the behavioural verdict against the exact one, on trained SAEs over many generated hierarchies
 * that vary in dimension, parents, children per parent, firing and child probabilities and seed, with targets
 * that are parents and targets that are leaves. The behavioural verdict never sees the ground truth. The rows must
 * include both answers in number, or the agreement says nothing; the confusion table is printed.
 *
 * <p>Two draws of twelve hierarchy shapes (seed offsets 0 and 100; {@code -Dsaesplit.calibration.seedOffsets=a,b}
 * draws others, as docs/split-evaluation.md does for its check on hierarchies the verdict was never tuned on).
 * The agreement asserted, 95 %, is on wide SAEs trained on all data, and on all rows. On SAEs trained on the
 * target's tokens alone the behavioural verdict is not calibrated (docs/split-evaluation.md, "Known limits"):
 * those rows are printed apart, and agree mostly because neither verdict finds a split.
 */
class SplitCalibrationTest {

    private static final int BATCH = 256;
    private static final double THRESHOLD = 0.5;
    /** The agreement the behavioural verdict must reach on SAEs trained on all data. */
    private static final double AGREEMENT_FLOOR = 0.95;

    @TempDir
    Path dir;

    private record Hierarchy(int dIn, int features, int parents, int children, double firing, double childProbability,
                             long seed) {
    }

    private record Row(String name, boolean filtered, SplitOutcome exact, SplitOutcome behavioural, String reason) {
    }

    @Test
    void theBehaviouralVerdictAgreesWithTheGroundTruthOnMostRowsOfBothAnswers() throws Exception {
        List<Hierarchy> hierarchies = List.of(
                new Hierarchy(32, 24, 2, 3, 0.03, 1.0, 1),
                new Hierarchy(24, 20, 2, 2, 0.04, 1.0, 2),
                new Hierarchy(48, 30, 3, 3, 0.02, 0.95, 3),
                new Hierarchy(32, 28, 2, 4, 0.03, 1.0, 4),
                new Hierarchy(40, 24, 2, 3, 0.03, 0.95, 5),
                new Hierarchy(32, 32, 3, 2, 0.02, 1.0, 6),
                new Hierarchy(24, 22, 2, 3, 0.04, 0.95, 7),
                new Hierarchy(48, 36, 2, 5, 0.02, 1.0, 8),
                new Hierarchy(64, 40, 3, 3, 0.02, 0.9, 9),
                new Hierarchy(32, 24, 2, 2, 0.03, 0.85, 10),
                new Hierarchy(40, 32, 2, 4, 0.025, 0.9, 11),
                new Hierarchy(64, 48, 4, 2, 0.015, 1.0, 12));
        // Each offset draws other hierarchies of the same shapes.
        List<Row> rows = new ArrayList<>();
        for (String offset : System.getProperty("saesplit.calibration.seedOffsets", "0,100").split(",")) {
            long seedOffset = Long.parseLong(offset.trim());
            for (Hierarchy h : hierarchies) {
                rows.addAll(rowsOf(new Hierarchy(h.dIn(), h.features(), h.parents(), h.children(), h.firing(),
                        h.childProbability(), h.seed() + seedOffset)));
            }
        }
        for (boolean filtered : new boolean[] {true, false}) {
            List<Row> kind = rows.stream().filter(r -> r.filtered() == filtered).toList();
            System.out.println((filtered ? "wide SAEs trained on filtered data (not calibrated)"
                    : "wide SAEs trained on all data") + ":");
            Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion = confusion(kind);
            if (!filtered) {
                assertAgreement(kind, confusion);
            }
        }
        // Over every row as well, though the filtered rows agree mostly because neither verdict finds a split.
        long agree = agreeing(rows);
        System.out.printf(Locale.ROOT, "all rows: %d of %d agree (%.1f %%)%n", agree, rows.size(),
                100.0 * agree / rows.size());
        assertTrue(agree >= AGREEMENT_FLOOR * rows.size(), agree + " of " + rows.size());
    }

    private static Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion(List<Row> rows) {
        Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion = new EnumMap<>(SplitOutcome.class);
        int agree = 0;
        for (Row row : rows) {
            confusion.computeIfAbsent(row.exact(), k -> new EnumMap<>(SplitOutcome.class))
                    .merge(row.behavioural(), 1, Integer::sum);
            agree += row.exact() == row.behavioural() ? 1 : 0;
            if (row.exact() != row.behavioural()) {
                System.out.println("disagree " + row.name() + ": exact " + row.exact().specName() + ", behavioural "
                        + row.behavioural().specName() + " — " + row.reason());
            }
        }
        System.out.println(confusionTable(confusion, agree, rows.size()));
        return confusion;
    }

    private static long agreeing(List<Row> rows) {
        return rows.stream().filter(r -> r.exact() == r.behavioural()).count();
    }

    private static void assertAgreement(List<Row> rows, Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion) {
        long agree = agreeing(rows);
        double agreement = (double) agree / rows.size();
        assertTrue(agreement >= AGREEMENT_FLOOR, String.format(Locale.ROOT, "agreement %.3f", agreement));
        // A verdict that always said one thing must not pass: both answers must be common among the rows.
        for (SplitOutcome exact : new SplitOutcome[] {SplitOutcome.YES, SplitOutcome.NO}) {
            int rowsWithIt = confusion.getOrDefault(exact, Map.of()).values().stream().mapToInt(i -> i).sum();
            assertTrue(rowsWithIt >= rows.size() / 5, rowsWithIt + " rows of " + rows.size() + " whose exact verdict is "
                    + exact.specName() + ": too few for the agreement to mean anything");
        }
    }

    /** Per hierarchy: each parent and one leaf as targets, each with a wide SAE on filtered and on all data. */
    private List<Row> rowsOf(Hierarchy h) throws Exception {
        Path data = dir.resolve("h" + h.seed());
        GroundTruth truth = SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(h.dIn(), h.features(),
                h.parents(), h.children(), h.firing(), 120_000, h.seed()).withChildProbability(h.childProbability()),
                data);
        List<Row> rows = new ArrayList<>();
        try (ActivationCacheReader all = ActivationCacheReader.open(data);
             ActivationSource training = HeldOutSplit.training(ActivationCacheReader.open(data));
             ActivationSource heldOut = HeldOutSplit.heldOut(ActivationCacheReader.open(data))) {
            int narrowWidth = h.features() / 4;
            SaeWeights narrow = trained("n" + h.seed(), () -> train(training, h.dIn(), narrowWidth, 1500, h.seed()));
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
                        training, LatentProbe.of(narrow, target[1]),
                        dir.resolve("f" + h.seed() + "-" + target[1]));
                if (filtered.statistics().tokensKept() < BATCH) {
                    continue;
                }
                try (ActivationSource parentTokens = FilteredActivationSource.open(training,
                        filtered.keptRowsFile())) {
                    int width = 2 * h.children() + 2;
                    rows.add(row(h, "filtered", target, truth, data, narrow, trained("f" + h.seed() + "-" + target[1],
                            () -> train(parentTokens, h.dIn(), width, 1500, h.seed() + 1)), heldOut));
                }
                rows.add(row(h, "all", target, truth, data, narrow, trained("a" + h.seed(),
                        () -> train(training, h.dIn(), h.features() + 8, 2500, h.seed() + 2)), heldOut));
            }
        }
        return rows;
    }

    private static Row row(Hierarchy h, String data, int[] target, GroundTruth truth, Path dataDirectory,
                           SaeWeights narrow, SaeWeights wide, ActivationSource heldOut) {
        SplitEvaluator.Findings f = SplitEvaluator.evaluate(
                new SplitEvaluator.Subject(wide, narrow, target[1], THRESHOLD, -1, data.equals("filtered")), heldOut, SplitCriteria.DEFAULTS,
                Optional.of(HeldOutTruth.of(dataDirectory, HeldOutSplit.trainingRows(120_000))));
        String name = String.format(Locale.ROOT, "%s feature %d (%s, latent %d) %s", h, target[0],
                truth.isParent(target[0]) ? "parent" : "leaf", target[1], data);
        return new Row(name, data.equals("filtered"), f.groundTruth().outcome(), f.verdict().outcome(),
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

    private static SaeWeights train(ActivationSource source, int dIn, int width, int steps, long seed) {
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

    private static String confusionTable(Map<SplitOutcome, Map<SplitOutcome, Integer>> confusion, int agree,
                                         int total) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "split verdict calibration: %d of %d rows agree (%.1f %%)%n%-14s", agree, total, 100.0 * agree / total,
                "exact \\ behav."));
        for (SplitOutcome b : SplitOutcome.values()) {
            out.append(String.format(Locale.ROOT, "%9s", b.specName()));
        }
        for (SplitOutcome e : SplitOutcome.values()) {
            out.append(String.format(Locale.ROOT, "%n%-14s", e.specName()));
            for (SplitOutcome b : SplitOutcome.values()) {
                out.append(String.format(Locale.ROOT, "%9d", confusion.getOrDefault(e, Map.of()).getOrDefault(b, 0)));
            }
        }
        return out.toString();
    }
}
