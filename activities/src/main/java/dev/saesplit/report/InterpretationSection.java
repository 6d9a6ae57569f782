package dev.saesplit.report;

import dev.saesplit.evaluate.SplitReport;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the target and its children mean, side by side: per latent its top contexts with the firing token marked
 * and its boosted logits, then the probes with pass or fail, the numbers behind it, and each child's activation.
 */
final class InterpretationSection {

    private InterpretationSection() {
    }

    static String render(SplitReport.Interpretation interpretation, List<SplitReport.Latent> children) {
        StringBuilder out = new StringBuilder("<h3>Interpretation</h3><div class=\"latents\">");
        for (SplitReport.LatentInterpretation latent : interpretation.latents()) {
            out.append("<div class=\"latent\">");
            out.append(Html.text("h4", latent.sae() + " latent " + latent.latent()
                    + ("narrow".equals(latent.sae()) ? " (target)" : " (child)")));
            if (latent.contexts().isEmpty()) {
                out.append("<p class=\"contexts\">does not fire on the held-out tokens</p>");
            } else {
                out.append("<ol class=\"contexts\">");
                for (SplitReport.Context c : latent.contexts()) {
                    out.append("<li><span class=\"activation\">").append(Html.number(c.activation()))
                            .append("</span> <span class=\"context\">").append(Html.escape(c.before()))
                            .append("<mark>").append(Html.escape(c.token())).append("</mark>")
                            .append(Html.escape(c.after())).append("</span></li>");
                }
                out.append("</ol>");
            }
            out.append("<p class=\"logits\">boosts: ").append(logits(latent.topLogits())).append("</p>");
            out.append("<p class=\"logits\">suppresses: ").append(logits(latent.bottomLogits())).append("</p>");
            out.append("</div>");
        }
        out.append("</div>");
        if (!interpretation.probes().isEmpty()) {
            out.append("<h3>Probes</h3>").append(probes(interpretation.probes(), childLabels(interpretation,
                    children)));
        }
        return out.toString();
    }

    /** The children a probe's activations belong to: those interpreted, else the report's. */
    private static List<Integer> childLabels(SplitReport.Interpretation interpretation,
                                             List<SplitReport.Latent> children) {
        List<Integer> interpreted = interpretation.latents().stream().filter(l -> "wide".equals(l.sae()))
                .map(SplitReport.LatentInterpretation::latent).toList();
        return interpreted.isEmpty() ? children.stream().map(SplitReport.Latent::latent).toList() : interpreted;
    }

    private static String logits(List<SplitReport.Logit> logits) {
        if (logits.isEmpty()) {
            // A hook inside the MLP's hidden layer has no direct path to the logits.
            return "none";
        }
        return logits.stream().map(l -> "<code>" + Html.escape(l.token()) + "</code> " + Html.number(l.value()))
                .collect(Collectors.joining(", "));
    }

    private static String probes(List<SplitReport.ProbeResult> probes, List<Integer> children) {
        List<List<String>> rows = new ArrayList<>();
        for (SplitReport.ProbeResult p : probes) {
            StringBuilder activations = new StringBuilder();
            for (int i = 0; i < p.activations().length && i < children.size(); i++) {
                activations.append(i == 0 ? "" : ", ").append(children.get(i)).append(": ")
                        .append(Html.number(p.activations()[i]));
            }
            rows.add(List.of(Html.escape(p.prompt()), "<code>" + Html.escape(p.token()) + "</code>",
                    Html.escape(p.expect()) + " (margin " + Html.number(p.margin()) + ")",
                    p.passed() ? "<span class=\"yes\">passed</span>" : "<span class=\"no\">failed</span>",
                    Html.escape(p.reason()), Html.number(p.target()), activations.toString()));
        }
        return Html.table("probes", List.of("prompt", "token", "expect", "result", "why", "target",
                "children"), rows);
    }
}
