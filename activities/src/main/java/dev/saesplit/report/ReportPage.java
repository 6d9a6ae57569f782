package dev.saesplit.report;

import dev.saesplit.filter.FilterStatistics;
import dev.saesplit.table.RunTableFormatter;
import dev.saesplit.table.RunTableRow;
import dev.saesplit.table.SeedGroups;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code report.html}: one self-contained page per experiment — styles inline, charts as data URIs, no script and
 * nothing fetched — so it opens the same from a laptop, an artifact store or the tracking UI.
 */
final class ReportPage {

    static final String FILE_NAME = "report.html";
    private static final Set<String> VERDICT_COLUMNS = Set.of("split success", "ground truth");
    private static final String STYLE = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;margin:2em auto;max-width:1200px;padding:0 1em}
            h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
            table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ddd;padding:.25em .55em;text-align:left;vertical-align:top}
            th{background:#f4f4f4}td{font-variant-numeric:tabular-nums}
            .yes{color:#1a7f37;font-weight:600}.no{color:#b42318;font-weight:600}.partial{color:#b54708;font-weight:600}
            .charts{display:flex;flex-wrap:wrap;gap:1em}.charts img{max-width:100%;border:1px solid #eee}
            img{max-width:100%}mark{background:#ffe08a;padding:0 .1em}.context{font-family:ui-monospace,monospace}
            .latents{display:flex;flex-wrap:wrap;gap:1em}.latent{border:1px solid #eee;padding:.3em .8em;min-width:18em}
            .activation{color:#666;font-size:.9em}.muted{color:#666}
            """;

    private ReportPage() {
    }

    /** The page for {@code inputs}, whose charts the report directory {@code dir} already holds. */
    static String render(ReportInputs inputs, Path dir) throws IOException {
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append(Html.text("title", "saesplit report: " + inputs.experiment()))
                .append("<style>").append(STYLE).append("</style></head><body>");
        out.append(Html.text("h1", "saesplit report: " + inputs.experiment()));
        if (!inputs.description().isBlank()) {
            out.append(Html.text("p", inputs.description()));
        }
        out.append("<section id=\"run-table\"><h2>Run-configuration table</h2>");
        inputs.target().ifPresent(target -> out.append(Html.text("p", target)));
        out.append(runTable(inputs)).append(acrossSeeds(inputs.table())).append("</section>");
        if (inputs.filter().isPresent()) {
            out.append(filterSection(inputs.filter().get(), dir));
        }
        out.append("<section id=\"training\"><h2>Training</h2><div class=\"charts\">")
                .append(Html.image(dir.resolve(ExperimentReport.LOSS_CURVES_PNG), "loss curves of every row"))
                .append(Html.image(dir.resolve(ExperimentReport.FEATURE_DENSITY_PNG),
                        "feature density of the narrow SAE and every row"))
                .append("</div>").append(Html.text("p", "Rows on filtered data train and are measured on the "
                        + "target's tokens only; their losses do not compare with rows on all tokens."))
                .append("</section>");
        for (ReportRow row : inputs.rows()) {
            out.append(RowSection.render(row, dir.resolve(ExperimentReport.rowDirectory(row.runId()))));
        }
        return out.append("</body></html>\n").toString();
    }

    /** The recorded run table with verdicts, reasons and ground truth, plus each row's tokens to common loss. */
    private static String runTable(ReportInputs inputs) {
        List<RunTableRow> table = inputs.table();
        List<String> headers = new ArrayList<>(RunTableFormatter.headers(table));
        headers.add("tokens to common loss");
        List<List<String>> rows = new ArrayList<>();
        for (ReportRow row : inputs.rows()) {
            List<String> cells = new ArrayList<>();
            List<String> values = RunTableFormatter.cells(row.row(), table);
            for (int i = 0; i < values.size(); i++) {
                String value = values.get(i).isEmpty() ? "–" : values.get(i);
                cells.add(VERDICT_COLUMNS.contains(headers.get(i)) && !values.get(i).isEmpty()
                        ? "<span class=\"" + Html.escape(value) + "\">" + Html.escape(value) + "</span>"
                        : Html.escape(value));
            }
            cells.add(row.efficiency().map(e -> Html.count(e.tokens())).orElse("–"));
            rows.add(cells);
        }
        return Html.table("run-table", headers, rows);
    }

    /** Each configuration that rows differing only in seed share: its verdicts across seeds and their spread. */
    private static String acrossSeeds(List<RunTableRow> table) {
        List<SeedGroups.Group> groups = SeedGroups.of(table);
        if (groups.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder("<h3>Across seeds</h3><ul class=\"seed-groups\">");
        for (SeedGroups.Group group : groups) {
            out.append("<li><b>runs ").append(Html.escape(String.join(", ",
                    group.rows().stream().map(RunTableRow::runId).toList()))).append("</b>: ")
                    .append(Html.escape(group.summary())).append("</li>");
        }
        return out.append("</ul>").toString();
    }

    private static String filterSection(FilterStatistics filter, Path dir) throws IOException {
        return "<section id=\"filter\"><h2>Filtered data</h2>"
                    + Html.text("p", "The filter kept " + Html.count(filter.tokensKept()) + " of "
                    + Html.count(filter.tokensScanned()) + " training tokens (" + Html.percent(filter.keptFraction())
                    + "): those where the target latent fires above " + filter.threshold() + ".")
                    + Html.image(dir.resolve(ExperimentReport.FILTER_HISTOGRAM_PNG),
                    "the target latent's activation over the scanned tokens")
                    + "</section>";
    }
}
