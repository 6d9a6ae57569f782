package dev.saesplit.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training efficiency across rows, as the seed study compared it ("a split with 26 M tokens instead of 2 B"): rows
 * of one width trained on the same data are compared at a loss every one of them reached — the worst final loss
 * among them — by the tokens each needed to get there first. Rows on filtered data are compared among themselves:
 * their loss is measured on other tokens than the all-data rows', so one level for both would time an all-data row
 * to a filtered row's loss (which a copied narrow SAE meets at its first step).
 */
public final class TrainingEfficiency {

    private TrainingEfficiency() {
    }

    /** A row to compare: its id, width, the data it trained on ({@code all}, {@code filtered}) and loss curve. */
    public record Trained(String runId, int width, String data, LossCurve curve) {

        private String group() {
            return width + "/" + data;
        }
    }

    /**
     * Where one row reached its width's common loss.
     *
     * @param commonLoss the worst final loss among the rows of the row's width and data
     * @param tokens     tokens seen when the row's loss first reached it
     */
    public record CommonLoss(double commonLoss, long tokens) {
    }

    /** Per row with a curve, by run id in the given order; rows without a curve are left out. */
    public static Map<String, CommonLoss> of(List<Trained> rows) {
        Map<String, Double> worstFinal = new LinkedHashMap<>();
        for (Trained row : rows) {
            if (!row.curve().isEmpty()) {
                worstFinal.merge(row.group(), row.curve().finalLoss(), Math::max);
            }
        }
        Map<String, CommonLoss> result = new LinkedHashMap<>();
        for (Trained row : rows) {
            if (row.curve().isEmpty()) {
                continue;
            }
            double level = worstFinal.get(row.group());
            // Every curve ends at or below its group's worst final loss, so it reaches the level.
            result.put(row.runId(), new CommonLoss(level, row.curve().tokensToReach(level).orElseThrow()));
        }
        return result;
    }
}
