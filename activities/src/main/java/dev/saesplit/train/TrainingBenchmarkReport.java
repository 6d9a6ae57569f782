package dev.saesplit.train;

import dev.saesplit.train.TrainingBenchmark.Result;
import dev.saesplit.train.TrainingBenchmark.Settings;
import dev.saesplit.train.TrainingBenchmark.Window;
import java.util.Locale;

/** The text {@code saesplit bench train} prints for a {@link Result}. */
final class TrainingBenchmarkReport {

    private static final double MIB = 1024.0 * 1024.0;

    private TrainingBenchmarkReport() {
    }

    static String describe(Result r) {
        Settings s = r.settings();
        StringBuilder out = new StringBuilder();
        line(out, "device", r.device() + "  (load average " + r.loadBefore() + " before, " + r.loadAfter() + " after)");
        line(out, "shape", String.format(Locale.ROOT, "d_in=%d d_sae=%d batch=%d, %s, %s data, %d timed steps per path",
                s.dIn(), s.dSae(), s.batchSize(), s.describeArchitecture(),
                s.data() == TrainingBenchmark.Data.SYNTHETIC ? "synthetic-hierarchy" : "Gaussian", s.steps()));
        line(out, "warm-up", String.format(Locale.ROOT, "%d steps, %s", r.warmupStepsRun(), r.settled()
                ? "until L0 settled (moved < 5 % over 20 steps)" : "L0 had NOT settled at the warm-up limit"));
        line(out, "", "Adam, LR and λ warm-up, gradient clipping, zero-target latent, dead-latent tracking, "
                + "metrics every 5 steps");
        line(out, "", "            L0  density  sparse steps  tokens/s  ms/step  GEMM GFLOP/s     E");
        window(out, "sparse path", r.auto(), s);
        window(out, "dense path", r.dense(), s);
        if (!s.sparseStepCovers()) {
            line(out, "", "the sparse step does not cover " + s.architecture() + ": both windows ran the dense step, "
                    + "and their difference is the machine's");
        }
        line(out, "speed-up", String.format(Locale.ROOT, "%.2f× (sparse path over dense, same state and data)",
                r.auto().tokensPerSecond() / r.dense().tokensPerSecond()));
        line(out, "efficiency E", String.format(Locale.ROOT,
                "%.2f  (sparse path; tokens/s × 12·d_in·d_sae / GEMM rate; dense products alone give at most 1.2)",
                r.auto().efficiency()));
        line(out, "sparse kernels", Axpy.BEST.name());
        memory(out, r);
        line(out, "checkpoint write", String.format(Locale.ROOT, "%.0f ms (not in the timed steps)",
                1000 * r.checkpointSeconds()));
        r.reference().ifPresent(ref -> out.append(String.format(Locale.ROOT,
                "vs SAELens: %.2f×  (%s: %.0f tokens/s, L0 %.1f, on the same shape and rows in this run)%n",
                r.auto().tokensPerSecond() / ref.tokensPerSecond(), ref.description(), ref.tokensPerSecond(),
                ref.l0())));
        return out.toString().stripTrailing();
    }

    private static void window(StringBuilder out, String label, Window w, Settings s) {
        line(out, label, String.format(Locale.ROOT, "%6.1f  %6.2f %%   %4d of %-4d %9.0f %8.1f %13.1f %5.2f",
                w.l0(), 100 * w.l0() / s.dSae(), w.sparseSteps(), w.steps(), w.tokensPerSecond(),
                1000.0 * s.batchSize() / w.tokensPerSecond(), w.gemmGflops(), w.efficiency()));
    }

    private static void memory(StringBuilder out, Result r) {
        double budget = 3 * r.stateBytes() / MIB;
        if (r.auto().memory().isEmpty()) {
            line(out, "memory", String.format(Locale.ROOT, "resident memory not available here; 3× (parameters + "
                    + "Adam + batch) = %.0f MiB", budget));
            return;
        }
        line(out, "memory", String.format(Locale.ROOT, "step needs %s (sparse path), %s (dense path); 3× (parameters "
                + "+ Adam + batch) = %.0f MiB", total(r.auto()), total(r.dense()), budget));
        line(out, "", "native growth to the peak + trainer's live Java heap + most one step allocated on the heap, "
                + "in a JVM of their own:");
        line(out, "", "sparse " + parts(r.auto()) + ", dense " + parts(r.dense()));
    }

    private static String total(Window w) {
        return w.memory().map(m -> String.format(Locale.ROOT, "%.0f MiB", m.totalBytes() / MIB)).orElse("?");
    }

    private static String parts(Window w) {
        return w.memory().map(m -> String.format(Locale.ROOT, "%.0f + %.0f + %.0f MiB", m.nativeBytes() / MIB,
                m.heapLiveBytes() / MIB, m.stepHeapBytes() / MIB)).orElse("?");
    }

    private static void line(StringBuilder out, String label, String text) {
        out.append(String.format(Locale.ROOT, "%-17s %s%n", label, text));
    }
}
