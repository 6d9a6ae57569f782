package dev.saesplit.report;

import dev.saesplit.evaluate.SplitReport;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** What the target and its children mean: top contexts with the firing token marked, boosted logits, probes. */
final class InterpretationSection {

    private InterpretationSection() {
    }

    static String render(SplitReport.Interpretation interpretation, List<SplitReport.Latent> children) {
        StringBuilder out = new StringBuilder("<h3>Interpretation</h3><div class=\"latents\">");
        for (SplitReport.LatentInterpretation latent : interpretation.latents()) {
            out.append("<div class=\"latent\">");
            out.append(Html.text("h4", latent.sae() + " latent " + latent.latent()));
            out.append("<ol class=\"contexts\">");
            for (SplitReport.Context c : latent.contexts()) {
                out.append("<li><span class=\"activation\">").append(Html.number(c.activation()))
                        .append("</span> <span class=\"context\">").append(Html.escape(c.before()))
                        .append("<mark>").append(Html.escape(c.token())).append("</mark>")
                        .append(Html.escape(c.after())).append("</span></li>");
            }
            out.append("</ol>");
            out.append("<p class=\"logits\">boosts: ").append(logits(latent.topLogits())).append("</p>");
            out.append("<p class=\"logits\">suppresses: ").append(logits(latent.bottomLogits())).append("</p>");
            out.append("</div>");
        }
        out.append("</div>");
        if (!interpretation.probes().isEmpty()) {
            out.append("<h3>Probes</h3>").append(probes(interpretation.probes(), children));
        }
        return out.toString();
    }

    private static String logits(List<SplitReport.Logit> logits) {
        return logits.stream().map(l -> "<code>" + Html.escape(l.token()) + "</code> " + Html.number(l.value()))
                .collect(Collectors.joining(", "));
    }

    private static String probes(List<SplitReport.ProbeResult> probes, List<SplitReport.Latent> children) {
        List<List<String>> rows = new ArrayList<>();
        for (SplitReport.ProbeResult p : probes) {
            StringBuilder activations = new StringBuilder();
            for (int i = 0; i < p.activations().length && i < children.size(); i++) {
                activations.append(i == 0 ? "" : ", ").append(children.get(i).latent()).append(": ")
                        .append(Html.number(p.activations()[i]));
            }
            rows.add(List.of(Html.escape(p.prompt()), "<code>" + Html.escape(p.token()) + "</code>",
                    Html.escape(p.expect()), p.passed() ? "<span class=\"yes\">passed</span>"
                            : "<span class=\"no\">failed</span>",
                    Html.escape(p.reason()), Html.number(p.target()), activations.toString()));
        }
        return Html.table("probes", List.of("prompt", "token", "expect", "result", "why", "target",
                "children"), rows);
    }
}
