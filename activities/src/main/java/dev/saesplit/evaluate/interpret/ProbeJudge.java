package dev.saesplit.evaluate.interpret;

import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.spec.SplitCriteria;

import java.util.Locale;
import java.util.Set;

/**
 * Judges a probe from the activations at its marked token, in the spirit of the seed study (the hyphen-240
 * split), whose evidence was: one child fires highest, far above any other latent, on "-" in "I'm a
 * multi-millionaire", and "-" in "long-standing" or "A 3-point landing" barely fires it.
 *
 * <p><b>{@code dominant-child}</b> — one child owns the token. Let {@code a} be the highest activation among the
 * children (child {@code c}) and {@code r} the highest activation of any other wide latent, children and
 * non-children alike (the latent forced to zero in training excluded). It passes when {@code a > 0},
 * {@code a > r} and {@code a >= margin · r}: {@code c} fires, fires highest of the whole wide SAE, and by the
 * margin. With {@code r = 0} any firing child passes.
 *
 * <p><b>{@code quiet}</b> — the children stay quiet relative to the parent there. The children watched are the
 * owners {@code c} of the dominant-child probes of the same list that passed (the seed study's "barely fires
 * it": a hyphen of another kind may rightly fire a sibling), or every child when no dominant-child probe passed.
 * Let {@code m} be the highest activation among the watched children and {@code t} the narrow target's. It passes
 * when {@code m · margin <= t}: each watched child fires at most {@code 1/margin} of the parent. Where the target
 * does not fire ({@code t <= 0}) that means no watched child may fire at all. With no children it passes: there is
 * nothing to fire.
 *
 * <p>The reason states the numbers, so a failure can be read without rerunning anything.
 */
final class ProbeJudge {

    private ProbeJudge() {
    }

    /**
     * @param probe        the probe
     * @param target       the narrow target's activation at the marked token
     * @param wide         every wide latent's activation there
     * @param children     the children's indices in the wide SAE, in report order
     * @param zeroedLatent the wide latent forced to zero in training, or -1
     * @param watched      for {@code quiet}: the children to watch (see the class comment)
     * @param note         appended to the reason (e.g. why the wide SAE reads zero here), or empty
     */
    static SplitReport.ProbeResult judge(SplitCriteria.Probe probe, double target, float[] wide, int[] children,
                                         int zeroedLatent, Set<Integer> watched, String note) {
        double[] childActivations = new double[children.length];
        for (int i = 0; i < children.length; i++) {
            childActivations[i] = wide[children[i]];
        }
        Verdict v = probe.expect() == SplitCriteria.Expectation.DOMINANT_CHILD
                ? dominant(probe.margin(), wide, children, zeroedLatent)
                : quiet(probe.margin(), target, wide, children, watched);
        return new SplitReport.ProbeResult(probe.prompt(), probe.token(), probe.expect().specName(), probe.margin(),
                v.passed, v.reason + note, target, childActivations);
    }

    /** The child a passed dominant-child result found owning its token, or -1. */
    static int owner(SplitReport.ProbeResult result, int[] children) {
        if (!result.passed() || !result.expect().equals(SplitCriteria.Expectation.DOMINANT_CHILD.specName())) {
            return -1;
        }
        int best = 0;
        for (int i = 1; i < children.length; i++) {
            if (result.activations()[i] > result.activations()[best]) {
                best = i;
            }
        }
        return children[best];
    }

    private record Verdict(boolean passed, String reason) {
    }

    private static Verdict dominant(double margin, float[] wide, int[] children, int zeroedLatent) {
        if (children.length == 0) {
            return new Verdict(false, "no children to own the token");
        }
        int owner = children[0];
        for (int c : children) {
            if (wide[c] > wide[owner]) {
                owner = c;
            }
        }
        int runnerUp = -1;
        for (int j = 0; j < wide.length; j++) {
            if (j != owner && j != zeroedLatent && (runnerUp < 0 || wide[j] > wide[runnerUp])) {
                runnerUp = j;
            }
        }
        double a = wide[owner];
        double r = runnerUp < 0 ? 0 : Math.max(0, wide[runnerUp]);
        if (a <= 0) {
            return new Verdict(false, "no child fires here");
        }
        String numbers = "child " + owner + " fires " + fmt(a) + "; next highest " + (r == 0 ? "latent fires 0"
                : (contains(children, runnerUp) ? "child " : "latent ") + runnerUp + " (" + fmt(r) + ")");
        if (r == 0) {
            return new Verdict(true, numbers);
        }
        double ratio = a / r;
        boolean passed = a > r && a >= margin * r;
        return new Verdict(passed, numbers + ": ratio " + fmt(ratio) + (passed ? " >= " : " < ") + "margin "
                + fmt(margin) + (a > r ? "" : ", and the highest latent is not a child"));
    }

    private static Verdict quiet(double margin, double target, float[] wide, int[] children, Set<Integer> watched) {
        if (children.length == 0) {
            return new Verdict(true, "no children to fire");
        }
        int loudest = -1;
        for (int c : children) {
            if ((watched.isEmpty() || watched.contains(c)) && (loudest < 0 || wide[c] > wide[loudest])) {
                loudest = c;
            }
        }
        String who = watched.isEmpty() ? "loudest child " : "loudest watched child ";
        double m = Math.max(0, wide[loudest]);
        boolean passed = m * margin <= Math.max(target, 0);
        String numbers = who + loudest + " fires " + fmt(m) + ", target " + fmt(target);
        if (target <= 0) {
            return new Verdict(passed, numbers + (passed ? ": neither fires" : ": a child fires where the target"
                    + " does not"));
        }
        return new Verdict(passed, numbers + ": " + fmt(m) + " × margin " + fmt(margin) + " = " + fmt(m * margin)
                + (passed ? " <= " : " > ") + fmt(target));
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
