package dev.saesplit.bench;

import dev.saesplit.bench.PeerCheck.ArchitectureResult;
import dev.saesplit.bench.PeerCheck.Result;
import dev.saesplit.bench.PeerCheck.Score;
import dev.saesplit.bench.PeerCheck.Settings;
import dev.saesplit.train.AdamSettings;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** The text {@code saesplit bench peer} prints: what both sides shared, then per architecture each side and Δ. */
final class PeerCheckReport {

    private PeerCheckReport() {
    }

    static String describe(Result result) {
        Settings s = result.settings();
        AdamSettings adam = AdamSettings.DEFAULTS;
        StringBuilder out = new StringBuilder();
        out.append(format("peer check against %s on sae_lens.synthetic data: a SyntheticModel of %d features in "
                        + "d_in %d (the toolkit's defaults: Zipfian firing 0.3 .. 0.01, magnitude 1, dictionary bias "
                        + "of norm 1), true L0 %.2f%n", result.versions(), s.features(), s.dIn(), result.trueL0()));
        out.append(format("both sides: %,d drawn rows (seed %d) cut into batches of %d in the same order, d_sae %d, "
                        + "%,d steps, lr %s after %d warm-up steps (no decay), λ %s (L1) / %s (L0) after %d warm-up "
                        + "steps, k %d, "
                        + "Adam β %s/%s ε %s, gradient norm clipped at %s; seed i (1..%d) starts %s (Kaiming-uniform "
                        + "decoder rows of norm %s, W_enc = W_decᵀ, biases 0)%n",
                s.tokens(), s.dataSeed(), s.batchSize(), s.dSae(), s.steps(), s.learningRate(), s.lrWarmupSteps(),
                s.l1Coefficient(), s.l0Coefficient(), s.l1WarmupSteps(), s.k(), adam.beta1(), adam.beta2(),
                adam.epsilon(),
                PeerCheck.MAX_GRADIENT_NORM, s.seeds(), s.sharedInit() ? "both sides from the same weights"
                        : "each side from its own draw", PeerCheck.DECODER_INIT_NORM));
        out.append(format("scored by eval_sae_on_synthetic_data on the same %,d fresh draws (seed %d); ± is the "
                + "standard deviation across seeds%n%n", s.evalSamples(), s.dataSeed() + 1));
        out.append(format("%-21s %-9s %7s %17s %17s %9s %6s%n", "architecture", "side", "L0", "MCC", "F1",
                "expl.var", "dead"));
        for (ArchitectureResult a : result.architectures()) {
            out.append(side(a.architecture().name(), "saesplit", a.saesplit()));
            out.append(side("", "SAELens", a.saeLens()));
            out.append(format("%-21s %-9s %7s %17s %17s  %s (|Δ| ≤ %s on MCC and F1); per seed |Δ| at most MCC "
                            + "%.4f, F1 %.4f%n", "", "Δ", "", signed(a.mccDifference()), signed(a.f1Difference()),
                    a.passes() ? "PASS" : "FAIL", PeerCheck.TOLERANCE,
                    PeerStatistics.largestPairedDifference(a.saesplit(), a.saeLens(), Score::mcc),
                    PeerStatistics.largestPairedDifference(a.saesplit(), a.saeLens(), Score::f1)));
        }
        out.append(format("%ntrained in %.1f s (saesplit, in this JVM) and %.1f s (SAELens, one torch thread, "
                + "its interpreter's start included)%n", result.saesplitSeconds(), result.saeLensSeconds()));
        out.append("peer check: ").append(result.passes() ? "PASS" : "FAIL");
        return out.toString();
    }

    private static String side(String architecture, String side, List<Score> scores) {
        return format("%-21s %-9s %7.2f %17s %17s %9.3f %6.1f%n", architecture, side,
                PeerStatistics.mean(scores, Score::l0), meanAndSpread(scores, Score::mcc),
                meanAndSpread(scores, Score::f1), PeerStatistics.mean(scores, Score::explainedVariance),
                PeerStatistics.mean(scores, Score::deadLatents));
    }

    private static String meanAndSpread(List<Score> scores, ToDoubleFunction<Score> figure) {
        double spread = PeerStatistics.standardDeviation(scores, figure);
        return format("%.4f", PeerStatistics.mean(scores, figure))
                + (Double.isNaN(spread) ? "         " : format(" ± %.4f", spread));
    }

    private static String signed(double value) {
        return format("%+.4f", value) + "         ";
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
