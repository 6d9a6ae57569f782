package dev.saesplit.report;

import dev.saesplit.evaluate.ReconstructionSummary;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.spec.RunSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One row's part of {@code report.html}: its verdicts and the numbers behind them, its charts, its meaning. */
final class RowSection {

    static final String DENSITY_PNG = "feature_density.png";
    static final String SCATTER_PNG = "cosine_specificity.png";
    static final String CO_FIRING_PNG = "co_firing.png";
    private static final List<String> LATENT_COLUMNS = List.of("latent", "specificity", "recall", "cosine",
            "mean activation", "max activation", "frequency");

    private RowSection() {
    }

    /** The section of {@code row}, whose charts are in {@code rowDirectory}. */
    static String render(ReportRow row, Path rowDirectory) throws IOException {
        RunSpec config = row.row().config();
        StringBuilder out = new StringBuilder("<section class=\"row\" id=\"run-")
                .append(Html.escape(row.runId())).append("\">");
        out.append(Html.text("h2", "Run " + row.runId() + ": " + config.purpose()));
        String architecture = config.architecture() == null ? "" : " · " + config.architecture().describe();
        out.append(Html.text("p", "width " + config.width() + architecture + " · seed " + config.seed() + " · init "
                + config.init().specName() + (config.normalised() ? " · normalised" : " · not normalised")
                + " · " + config.data().specName() + " data · " + config.loss().specName() + " loss · "
                + row.row().status().specName()));
        if (row.evaluation().isEmpty()) {
            out.append(Html.text("p", "Not evaluated: the row did not finish."));
            return out.append("</section>").toString();
        }
        SplitReport report = row.evaluation().get();
        out.append(verdicts(report));
        out.append("<h3>Measurements</h3>").append(measurements(report, row));
        out.append(reconstruction(report));
        out.append(Html.text("h3", "Children (" + report.children().size() + ")"));
        out.append(latents(report.children(), "no latent fires specifically where the target does"));
        out.append(Html.text("h3", "Surviving parents (" + report.parents().size() + ")"));
        out.append(latents(report.parents(), "none: no latent still fires on nearly all of the target's tokens"));
        out.append("<div class=\"charts\">");
        out.append(Html.image(rowDirectory.resolve(SCATTER_PNG), "cosine against specificity, run " + row.runId()));
        if (Files.exists(rowDirectory.resolve(CO_FIRING_PNG))) {
            out.append(Html.image(rowDirectory.resolve(CO_FIRING_PNG), "co-firing of children, run " + row.runId()));
        }
        if (Files.exists(rowDirectory.resolve(DENSITY_PNG))) {
            out.append(Html.image(rowDirectory.resolve(DENSITY_PNG), "feature density, run " + row.runId()));
        }
        out.append("</div>");
        if (report.interpretation() != null) {
            out.append(InterpretationSection.render(report.interpretation(), report.children()));
        }
        return out.append("</section>").toString();
    }

    private static String verdicts(SplitReport report) {
        StringBuilder out = new StringBuilder("<p class=\"verdict\">split success: <span class=\"")
                .append(report.verdict().outcome().specName()).append("\">")
                .append(report.verdict().outcome().specName()).append("</span> — ")
                .append(Html.escape(report.verdict().summary() != null ? report.verdict().summary()
                        : report.verdict().reason())).append("</p>");
        if (report.verdict().summary() != null) {
            out.append("<p class=\"reason\">").append(Html.escape(report.verdict().reason())).append("</p>");
        }
        if (report.groundTruth() != null) {
            out.append("<p class=\"verdict\">ground truth: <span class=\"")
                    .append(report.groundTruth().outcome().specName()).append("\">")
                    .append(report.groundTruth().outcome().specName()).append("</span> — ")
                    .append(Html.escape(report.groundTruth().reason())).append("</p>");
        }
        return out.toString();
    }

    private static String measurements(SplitReport report, ReportRow row) {
        SplitReport.SetMeasurements split = report.split();
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("target's held-out tokens", Html.count(report.targetTokens()) + " of "
                + Html.count(report.heldOutTokens())));
        rows.add(List.of("children / distinct", report.children().size() + " / " + split.distinctChildren()));
        rows.add(List.of("children not distinct (duplicates, or firing together)",
                Integer.toString(report.children().size() - split.distinctChildren())));
        // Reports written before format 3 have no own coverage: theirs was held against all of the activation.
        boolean own = report.formatVersion() >= 3;
        rows.add(List.of("coverage of the target's own activation (held against min_coverage)",
                own ? Html.fixed(split.ownActivationCoverage()) : "–"));
        rows.add(List.of("coverage of all its activation", Html.fixed(split.activationCoverage())));
        rows.add(List.of("its activation driven by other features' latents",
                own ? Html.fixed(split.activationElsewhere()) : "–"));
        rows.add(List.of("coverage P(some child | target)", Html.fixed(split.coverage())));
        rows.add(List.of("absorption", Html.fixed(split.absorption())));
        rows.add(List.of("contribution explained", Html.fixed(split.contributionExplained())));
        rows.add(List.of("tokens to common loss", row.efficiency().map(e -> Html.count(e.tokens())
                + " (loss " + Html.number(e.commonLoss()) + ")").orElse("–")));
        return Html.table("measurements", List.of("measure", "value"), rows);
    }

    private static String reconstruction(SplitReport report) {
        List<List<String>> rows = List.of(reconstructionRow("all held-out tokens", report.all()),
                reconstructionRow("where the target fires", report.filtered()));
        return Html.table("reconstruction", List.of("reconstruction on", "tokens", "MSE", "explained variance",
                "L0", "dead fraction"), rows);
    }

    private static List<String> reconstructionRow(String label, ReconstructionSummary r) {
        return List.of(Html.escape(label), Html.count(r.tokens()), Html.number(r.mse()),
                Html.fixed(r.explainedVariance()), Html.number(r.l0()), Html.fixed(r.deadFraction()));
    }

    private static String latents(List<SplitReport.Latent> latents, String whenNone) {
        if (latents.isEmpty()) {
            return Html.text("p", whenNone);
        }
        List<List<String>> rows = latents.stream().map(l -> List.of(Integer.toString(l.latent()),
                Html.fixed(l.specificity()), Html.fixed(l.recall()), Html.fixed(l.cosine()),
                Html.number(l.meanActivation()), Html.number(l.maxActivation()), Html.number(l.frequency()))).toList();
        return Html.table("latents", LATENT_COLUMNS, rows);
    }
}
