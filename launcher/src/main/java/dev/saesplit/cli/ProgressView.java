package dev.saesplit.cli;

import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.TrainingProgress;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Renders live progress: on a terminal, a block of progress bars redrawn in place; elsewhere (logs, CI), one
 * line whenever a line's stage changes or its training passes another quarter.
 */
final class ProgressView {

    private static final int BAR = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final Map<String, String> lastPrinted = new LinkedHashMap<>();
    private int linesOnScreen;

    ProgressView(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Shows the current state; {@code lines} maps a label ("narrow SAE", "run 3") to its progress. */
    void show(Map<String, StageProgress> lines) {
        List<String> rendered = new ArrayList<>();
        lines.forEach((label, progress) -> rendered.add(render(label, progress)));
        if (terminal) {
            if (linesOnScreen > 0) {
                out.print("\033[" + linesOnScreen + "F");
            }
            rendered.forEach(line -> out.print(line + "\033[K\n"));
            linesOnScreen = rendered.size();
        } else {
            lines.forEach((label, progress) -> {
                String summary = coarse(progress);
                if (!Objects.equals(lastPrinted.put(label, summary), summary)) {
                    out.println(render(label, progress));
                }
            });
        }
        out.flush();
    }

    static String render(String label, StageProgress progress) {
        StringBuilder line = new StringBuilder(String.format("%-12s %-10s", label, progress.stage()));
        TrainingProgress t = progress.training();
        boolean caching = progress.stage().equals(ProgressQueries.CACHING_STAGE);
        if (progress.stage().equals("train") || progress.stage().equals("narrow SAE") || caching) {
            if (t.totalSteps() > 0) {
                double done = Math.min(1, (double) t.step() / t.totalSteps());
                int filled = (int) Math.round(done * BAR);
                line.append(' ').append("#".repeat(filled)).append(".".repeat(BAR - filled))
                        .append(String.format(" %d/%d %s", t.step(), t.totalSteps(), caching ? "tokens" : "steps"));
                if (!Double.isNaN(t.loss())) {
                    line.append(String.format("  loss %.4g", t.loss()));
                }
            }
        }
        return line.toString();
    }

    /** What must change for a line to be printed again when not on a terminal. */
    private static String coarse(StageProgress progress) {
        TrainingProgress t = progress.training();
        long quarter = t.totalSteps() == 0 ? 0 : 4 * t.step() / t.totalSteps();
        return progress.stage() + "/" + quarter;
    }
}
