package dev.saesplit.table;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.text.CsvCell;
import dev.saesplit.text.TerminalText;

import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.function.Function;

/**
 * Renders the run-configuration table in the seed study's column order (run, purpose, width, seed, init,
 * normalised, data, loss, split success), followed by the run's status.
 */
public final class RunTableFormatter {

    /** Output formats of {@code saesplit table}. */
    public enum Format { MD, CSV, JSON }

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** The width a terminal shows without wrapping; reasons below the markdown table are wrapped to it. */
    static final int WIDTH = 120;
    private static final Column REASON = new Column("reason", r -> r.splitDetail().orElse(""));

    private static final List<Column> COLUMNS = List.of(
            new Column("run", RunTableRow::runId),
            new Column("purpose", r -> r.config().purpose()),
            new Column("width", r -> Integer.toString(r.config().width())),
            new Column("seed", r -> Long.toString(r.config().seed())),
            new Column("init", r -> r.config().init().specName()),
            new Column("normalised", r -> r.config().normalised() ? "yes" : "no"),
            new Column("data", r -> r.config().data().specName()),
            new Column("loss", r -> r.config().loss().specName()),
            new Column("split success", r -> r.splitSuccess().map(SplitOutcome::specName).orElse("")),
            REASON,
            new Column("status", r -> r.status().specName()));
    /** Shown only when some row trains an architecture other than ReLU: the seed study's tables have no such column. */
    private static final Column ARCHITECTURE = new Column("architecture", r -> r.config().architecture() == null
            ? r.config().evaluatesExisting() ? "" : "relu" : r.config().architecture().describe());
    /** Shown only when some row was scored against synthetic ground truth. */
    private static final Column GROUND_TRUTH = new Column("ground truth",
            r -> r.groundTruth().map(SplitOutcome::specName).orElse(""));
    /** Tokens a row trained on before its loss first reached its width's common loss (see the report). */
    public static final String TOKENS_TO_COMMON_LOSS = "efficiency/tokens_to_common_loss";
    /** The worst final training loss among the rows of a width: the level they are compared at. */
    public static final String COMMON_LOSS = "efficiency/common_loss";
    /** The language model's next-token loss on held-out contexts, unchanged (nats). */
    public static final String CE_LOSS_CLEAN = "final/ce_loss/clean";
    /** The same with the SAE's reconstruction spliced in at the hook. */
    public static final String CE_LOSS_SPLICED = "final/ce_loss/spliced";
    /** The same with the hook zero-ablated. */
    public static final String CE_LOSS_ZERO_ABLATED = "final/ce_loss/zero_ablated";
    /** (zero-ablated − spliced) / (zero-ablated − clean): 1 for a lossless SAE. */
    public static final String LOSS_RECOVERED = "final/ce_loss/recovered";
    /** Final figures {@code table --format json} carries, under these names. */
    public static final List<String> RESULT_METRICS = List.of("train/loss", "train/tokens_seen", "final/all/mse",
            "final/all/explained_variance", "final/all/l0", "final/all/dead_fraction", "final/filtered/mse",
            "final/filtered/explained_variance", "final/filtered/l0", "split/children", "split/distinct_children",
            "split/coverage", COMMON_LOSS, TOKENS_TO_COMMON_LOSS, CE_LOSS_CLEAN, CE_LOSS_SPLICED, CE_LOSS_ZERO_ABLATED,
            LOSS_RECOVERED);

    private RunTableFormatter() {
    }

    /** The column headers for {@code rows}, in order. */
    public static List<String> headers(List<RunTableRow> rows) {
        return columns(rows).stream().map(Column::header).toList();
    }

    /** A row's cells, in the order of {@link #headers}; an empty cell means no value yet. */
    public static List<String> cells(RunTableRow row, List<RunTableRow> rows) {
        return columns(rows).stream().map(c -> c.value.apply(row)).toList();
    }

    /**
     * The seed study's columns, with the architecture after the width where some row trains another than ReLU, and
     * the ground-truth verdict after the behavioural one where there is one.
     */
    private static List<Column> columns(List<RunTableRow> rows) {
        List<Column> columns = new ArrayList<>(COLUMNS);
        if (rows.stream().anyMatch(r -> r.config().architecture() != null)) {
            columns.add(3, ARCHITECTURE);
        }
        if (rows.stream().anyMatch(r -> r.groundTruth().isPresent())) {
            columns.add(columns.size() - 1, GROUND_TRUTH);
        }
        return columns;
    }

    public static String format(String experiment, List<RunTableRow> rows, Format format) {
        return switch (format) {
            case MD -> markdown(rows);
            case CSV -> csv(rows);
            case JSON -> json(experiment, rows);
        };
    }

    /**
     * The seed study's columns as a markdown table, with each row's reason below it rather than in a column: the
     * other columns alone take about 110 characters, so a reason beside them would wrap every line of a terminal.
     */
    private static String markdown(List<RunTableRow> rows) {
        List<Column> columns = new ArrayList<>(columns(rows));
        columns.remove(REASON);
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (RunTableRow row : rows) {
            cells.add(columns.stream().map(c -> c.value.apply(row)).map(v -> v.isEmpty() ? "-" : v)
                    .map(v -> TerminalText.line(v).replace("|", "\\|")).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (int n = 0; n < cells.size(); n++) {
            appendMarkdownLine(out, cells.get(n), widths);
            if (n == 0) {
                String[] rule = new String[widths.length];
                for (int i = 0; i < widths.length; i++) {
                    rule[i] = "-".repeat(widths[i]);
                }
                appendMarkdownLine(out, rule, widths);
            }
        }
        appendReasons(out, rows);
        appendSeedGroups(out, rows);
        return out.toString();
    }

    /** "across seeds:" and one line per configuration that several rows share, wrapped like the reasons. */
    private static void appendSeedGroups(StringBuilder out, List<RunTableRow> rows) {
        List<SeedGroups.Group> groups = SeedGroups.of(rows);
        if (groups.isEmpty()) {
            return;
        }
        out.append("\nacross seeds (rows that differ only in seed):\n");
        for (SeedGroups.Group group : groups) {
            String ids = "runs " + String.join(", ", group.rows().stream().map(RunTableRow::runId).toList());
            appendWrapped(out, "  " + TerminalText.line(ids) + ": ", "    ", TerminalText.line(group.summary()));
        }
    }

    /**
     * "reasons:" and one entry per row that has one, the run id then the reason wrapped at {@link #WIDTH} columns
     * under itself; nothing where no row has a reason yet.
     */
    private static void appendReasons(StringBuilder out, List<RunTableRow> rows) {
        List<RunTableRow> explained = rows.stream().filter(r -> r.splitDetail().isPresent()).toList();
        if (explained.isEmpty()) {
            return;
        }
        int idWidth = explained.stream().mapToInt(r -> TerminalText.line(r.runId()).length()).max().orElse(0);
        String indent = " ".repeat(2 + idWidth + 2);
        out.append("\nreasons (every figure: split_report.json and the report):\n");
        for (RunTableRow row : explained) {
            String id = TerminalText.line(row.runId());
            appendWrapped(out, "  " + id + " ".repeat(idWidth - id.length() + 2), indent,
                    TerminalText.line(row.splitDetail().orElseThrow()));
        }
    }

    /** {@code first} then {@code text}, wrapped at {@link #WIDTH} columns with {@code indent} before each further line. */
    private static void appendWrapped(StringBuilder out, String first, String indent, String text) {
        StringBuilder line = new StringBuilder(first);
        int start = line.length();
        for (String word : text.split(" ")) {
            if (line.length() > start && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line = new StringBuilder(indent);
                start = line.length();
            } else if (line.length() > start) {
                line.append(' ');
            }
            line.append(word);
        }
        out.append(line).append('\n');
    }

    private static void appendMarkdownLine(StringBuilder out, String[] cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.length; i++) {
            out.append(' ').append(cells[i]).append(" ".repeat(widths[i] - cells[i].length())).append(" |");
        }
        out.append('\n');
    }

    /** RFC 4180 CSV, each field guarded against formula injection (see {@link CsvCell}). */
    private static String csv(List<RunTableRow> rows) {
        List<Column> columns = columns(rows);
        StringBuilder out = new StringBuilder();
        out.append(String.join(",", columns.stream().map(c -> csvField(c.header)).toList())).append("\r\n");
        for (RunTableRow row : rows) {
            out.append(String.join(",", columns.stream().map(c -> csvField(c.value.apply(row))).toList()))
                    .append("\r\n");
        }
        return out.toString();
    }

    private static String csvField(String value) {
        return CsvCell.of(value);
    }

    private static String json(String experiment, List<RunTableRow> rows) {
        ObjectNode root = JSON.createObjectNode();
        root.put("experiment", experiment);
        ArrayNode array = root.putArray("runs");
        for (RunTableRow row : rows) {
            RunSpec config = row.config();
            ObjectNode node = array.addObject();
            node.put("run", config.id());
            node.put("purpose", config.purpose());
            node.put("width", config.width());
            if (!config.evaluatesExisting()) {
                // the settings as the spec spells them (k, groups, l0_coefficient where given)
                ObjectNode architecture = node.putObject("architecture");
                architecture.put("name", config.architectureName().specName());
                ArchitectureSpec a = config.architecture();
                if (a != null && a.k() != null) {
                    architecture.put("k", a.k());
                }
                if (a != null && a.groups() != null) {
                    a.groups().forEach(architecture.putArray("groups")::add);
                }
                if (a != null && a.l0Coefficient() != null) {
                    architecture.put("l0_coefficient", a.l0Coefficient());
                }
            }
            node.put("seed", config.seed());
            node.put("init", config.init().specName());
            node.put("normalised", config.normalised());
            node.put("data", config.data().specName());
            node.put("loss", config.loss().specName());
            node.put("split_success", row.splitSuccess().map(SplitOutcome::specName).orElse(null));
            node.put("status", row.status().specName());
            node.put("tokens", config.tokens());
            node.put("reported", config.reported());
            node.put("split_reason", row.splitDetail().orElse(null));
            if (row.groundTruth().isPresent()) {
                node.put("ground_truth_success", row.groundTruth().get().specName());
                node.put("ground_truth_reason", row.groundTruthDetail().orElse(null));
            }
            ObjectNode results = node.putObject("results");
            for (String metric : RESULT_METRICS) {
                Double value = row.results().get(metric);
                if (value != null) {
                    results.put(metric, value);
                }
            }
            node.put("workflow_id", row.workflowId().orElse(null));
            node.put("mlflow_run_id", row.mlflowRunId().orElse(null));
        }
        ArrayNode groups = root.putArray("seed_groups");
        for (SeedGroups.Group group : SeedGroups.of(rows)) {
            ObjectNode node = groups.addObject();
            node.put("configuration", group.configuration());
            ArrayNode ids = node.putArray("runs");
            group.rows().forEach(r -> ids.add(r.runId()));
            node.put("evaluated", group.evaluated());
            ObjectNode outcomes = node.putObject("outcomes");
            group.outcomes().forEach((outcome, count) -> outcomes.put(outcome.specName(), count));
            putSpread(node, "distinct_children", group.spread(SeedGroups.DISTINCT_CHILDREN));
            putSpread(node, "coverage", group.spread(SeedGroups.COVERAGE));
            node.put("summary", group.summary());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the run table of " + experiment + " as JSON", e);
        }
    }

    /** {@code name: {min, max}} over the rows that have the figure; nothing where none has. */
    private static void putSpread(ObjectNode node, String name, DoubleSummaryStatistics spread) {
        if (spread.getCount() > 0) {
            ObjectNode range = node.putObject(name);
            range.put("min", spread.getMin());
            range.put("max", spread.getMax());
        }
    }

    private record Column(String header, Function<RunTableRow, String> value) {
    }
}
