package dev.saesplit.evaluate;

import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.data.synthetic.HierarchyParent;
import dev.saesplit.data.synthetic.SyntheticHierarchy;
import dev.saesplit.data.synthetic.SyntheticHierarchyConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.SplitCriteria;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Real {@code split_report.json} contents for tests outside the evaluator: a small synthetic hierarchy, a narrow SAE
 * whose latent 0 reads parent 0, and a wide SAE with the surviving parent and one latent per child, evaluated.
 */
public final class EvaluatedReports {

    private EvaluatedReports() {
    }

    /** A report of a wide SAE that split (three children beside the surviving parent), with ground truth. */
    public static SplitReport split(Path scratch, String experiment, String runId) {
        GroundTruth truth = generate(scratch.resolve("data"));
        try (ActivationCacheReader data = ActivationCacheReader.open(scratch.resolve("data"))) {
            HierarchyParent parent = truth.parents().get(0);
            SaeWeights narrow = OracleSaes.of(truth, List.of(truth.direction(parent.feature()),
                    truth.direction(truth.config().firstIndependentFeature())));
            List<Object> latents = new ArrayList<>();
            latents.add(truth.direction(parent.feature()));
            parent.children().forEach(c -> latents.add(truth.direction(c)));
            SplitEvaluator.Findings f = SplitEvaluator.evaluate(new SplitEvaluator.Subject(
                    OracleSaes.of(truth, latents), narrow, 0, 0.5, -1, false), data, SplitCriteria.DEFAULTS,
                    Optional.of(HeldOutTruth.of(scratch.resolve("data"), 0)));
            return new SplitReport(SplitReport.FORMAT_VERSION, experiment, runId, "wide", "narrow", 0, 0.5, -1,
                    f.heldOutTokens(), f.targetTokens(), f.all(), f.filtered(), f.children(), f.parents(),
                    f.nearMisses(), f.setAside(), f.split(), f.verdict(), f.groundTruth(), null);
        }
    }

    /** What an interpretation step adds, with text a page must escape. */
    public static SplitReport.Interpretation interpretation(List<SplitReport.Latent> children) {
        List<SplitReport.LatentInterpretation> latents = new ArrayList<>();
        latents.add(new SplitReport.LatentInterpretation("narrow", 0,
                List.of(new SplitReport.Context(3.2, "I'm a multi", "-", "millionaire"),
                        new SplitReport.Context(2.9, "a long", "-", "standing <b>issue</b>")),
                List.of(new SplitReport.Logit("digit", 0.8), new SplitReport.Logit("second", 0.7)),
                List.of(new SplitReport.Logit("duties", -0.6))));
        for (SplitReport.Latent child : children) {
            latents.add(new SplitReport.LatentInterpretation("wide", child.latent(),
                    List.of(new SplitReport.Context(4.1, "multi", "-", "channel & more")),
                    List.of(new SplitReport.Logit("million", 0.9)), List.of(new SplitReport.Logit("norms", -0.5))));
        }
        double[] activations = new double[children.size()];
        activations[0] = 5.0;
        return new SplitReport.Interpretation(latents, List.of(new SplitReport.ProbeResult(
                "I'm a multi[-]millionaire", "-", "dominant-child", 3.0, true, "child " + children.get(0).latent()
                + " fires 5.0, next 0.0", 3.1, activations)));
    }

    private static GroundTruth generate(Path directory) {
        try {
            return SyntheticHierarchy.generate(SyntheticHierarchyConfig.of(256, 40, 2, 3, 0.02, 40_000, 3), directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
