package dev.saesplit.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Renders live progress: on a terminal, a block of progress bars redrawn in place; elsewhere (logs, CI), one
 * line whenever a line's stage or phase changes, its bar passes another quarter, or it has changed and was last
 * printed {@link #QUIET_SECONDS} ago, so a long stage shows signs of life in a log too.
 */
final class ProgressView {

    /** The longest a changing line goes unprinted when not on a terminal. */
    static final long QUIET_SECONDS = 30;
    private static final int BAR = 24;
    static final String NO_WRAP = "\033[?7l";
    static final String WRAP = "\033[?7h";

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private final Map<String, String> lastPrinted = new LinkedHashMap<>();
    private final Map<String, String> lastCoarse = new HashMap<>();
    private final Map<String, Long> printedAt = new HashMap<>();
    private int linesOnScreen;

    ProgressView(PrintWriter out, boolean terminal) {
        this(out, terminal, System::nanoTime);
    }

    /** As above, reading the time from {@code nanoClock} (tests pass their own). */
    ProgressView(PrintWriter out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
    }

    /** Shows the current state; {@code lines} maps a label ("experiment", "run 3") to its progress. */
    void show(Map<String, ProgressLine> lines) {
        if (terminal) {
            List<String> rendered = new ArrayList<>();
            lines.forEach((label, progress) -> rendered.add(render(label, progress)));
            if (linesOnScreen > 0) {
                out.print("\033[" + linesOnScreen + "F");
            }
            // Auto-wrap off while drawing: a line wider than the terminal is cut at its edge instead of taking a
            // second row, so moving up one row per line reaches the block's top on the next redraw.
            out.print(NO_WRAP);
            rendered.forEach(line -> out.print(line + "\033[K\n"));
            out.print(WRAP);
            linesOnScreen = rendered.size();
        } else {
            long now = nanoClock.getAsLong();
            lines.forEach((label, progress) -> {
                String line = render(label, progress);
                String coarse = coarse(progress);
                boolean moved = !Objects.equals(lastCoarse.get(label), coarse);
                boolean quietTooLong = !line.equals(lastPrinted.get(label)) && printedAt.containsKey(label)
                        && now - printedAt.get(label) >= TimeUnit.SECONDS.toNanos(QUIET_SECONDS);
                if (moved || quietTooLong) {
                    out.println(line);
                    lastPrinted.put(label, line);
                    lastCoarse.put(label, coarse);
                    printedAt.put(label, now);
                }
            });
        }
        out.flush();
    }

    static String render(String label, ProgressLine p) {
        StringBuilder line = new StringBuilder(String.format("%-12s %-10s", label, p.stage()));
        if (!p.phase().isEmpty()) {
            line.append(' ').append(p.phase());
        }
        if (p.total() > 0) {
            double done = Math.min(1, (double) p.done() / p.total());
            int filled = (int) Math.round(done * BAR);
            line.append(' ').append("#".repeat(filled)).append(".".repeat(BAR - filled))
                    .append(String.format(" %d/%d %s", p.done(), p.total(), p.unit()));
        }
        if (!p.detail().isEmpty()) {
            line.append("  ").append(p.detail());
        }
        return line.toString().stripTrailing();
    }

    /** What must change for a line to be printed at once when not on a terminal. */
    private static String coarse(ProgressLine p) {
        long quarter = p.total() == 0 ? 0 : 4 * Math.min(p.done(), p.total()) / p.total();
        return p.stage() + "/" + p.phase() + "/" + quarter;
    }
}
