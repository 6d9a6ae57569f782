package dev.saesplit.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Training efficiency across rows, as the seed study compared it ("a split with 26 M tokens instead of 2 B"): rows
 * of one width are compared at a loss every one of them reached — the worst final loss among them — by the tokens
 * each needed to get there first.
 */
public final class TrainingEfficiency {

    private TrainingEfficiency() {
    }

    /** A row to compare: its id, width and loss curve. */
    public record Trained(String runId, int width, LossCurve curve) {
    }

    /**
     * Where one row reached its width's common loss.
     *
     * @param commonLoss the worst final loss among the rows of the row's width
     * @param tokens     tokens seen when the row's loss first reached it
     */
    public record CommonLoss(double commonLoss, long tokens) {
    }

    /** Per row with a curve, by run id in the given order; rows without a curve are left out. */
    public static Map<String, CommonLoss> of(List<Trained> rows) {
        Map<Integer, Double> worstFinal = new LinkedHashMap<>();
        for (Trained row : rows) {
            if (!row.curve().isEmpty()) {
                worstFinal.merge(row.width(), row.curve().finalLoss(), Math::max);
            }
        }
        Map<String, CommonLoss> result = new LinkedHashMap<>();
        for (Trained row : rows) {
            if (row.curve().isEmpty()) {
                continue;
            }
            double level = worstFinal.get(row.width());
            // Every curve ends at or below its width's worst final loss, so it reaches the level.
            result.put(row.runId(), new CommonLoss(level, row.curve().tokensToReach(level).orElseThrow()));
        }
        return result;
    }
}
