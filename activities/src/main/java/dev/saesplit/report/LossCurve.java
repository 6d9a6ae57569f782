package dev.saesplit.report;

import java.util.OptionalLong;

/**
 * A row's training loss as recorded: one point per report, with the tokens trained on before it.
 *
 * @param steps  the step of each point, ascending
 * @param tokens tokens seen at each point
 * @param losses loss (MSE + λ·L1) at each point
 */
public record LossCurve(double[] steps, double[] tokens, double[] losses) {

    public static final LossCurve EMPTY = new LossCurve(new double[0], new double[0], new double[0]);

    public LossCurve {
        if (steps.length != tokens.length || steps.length != losses.length) {
            throw new IllegalArgumentException("a loss curve needs as many steps, token counts and losses; got "
                    + steps.length + ", " + tokens.length + ", " + losses.length);
        }
        steps = steps.clone();
        tokens = tokens.clone();
        losses = losses.clone();
    }

    public boolean isEmpty() {
        return steps.length == 0;
    }

    /** The loss at the last point; the curve must not be empty. */
    public double finalLoss() {
        return losses[losses.length - 1];
    }

    /** Tokens seen at the first point whose loss is at or below {@code level}, if the curve gets there. */
    public OptionalLong tokensToReach(double level) {
        for (int i = 0; i < losses.length; i++) {
            if (losses[i] <= level) {
                return OptionalLong.of((long) tokens[i]);
            }
        }
        return OptionalLong.empty();
    }
}
