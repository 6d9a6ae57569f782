package dev.saesplit.report;

import java.awt.Color;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One colour per row, by its place in the run table, so a row looks the same in every chart of a report. */
final class RowColours {

    /** The narrow SAE, drawn beside every row. */
    static final Color NARROW = new Color(0x33, 0x33, 0x33);
    /** Tableau's ten categorical colours: distinct for most readers, colour-blind ones included. */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
            new Color(0xbcbd22), new Color(0x17becf)};

    private final Map<String, Color> byRun = new LinkedHashMap<>();

    RowColours(List<String> runIds) {
        for (int i = 0; i < runIds.size(); i++) {
            byRun.put(runIds.get(i), PALETTE[i % PALETTE.length]);
        }
    }

    Color of(String runId) {
        Color colour = byRun.get(runId);
        if (colour == null) {
            throw new IllegalArgumentException("run " + runId + " is not in the report's run table " + byRun.keySet());
        }
        return colour;
    }
}
