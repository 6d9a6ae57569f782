package dev.saesplit.report;

import dev.saesplit.evaluate.EvaluatedReports;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.filter.ActivationHistogram;
import dev.saesplit.filter.FilterStatistics;
import dev.saesplit.spec.DataSelection;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.LossChange;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.RunTableRow;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A three-row experiment's report inputs: row 1 split on filtered data (with interpretation), row 2 on all tokens,
 * row 3 failed before evaluation. Its description and a purpose carry markup that the page must escape.
 */
final class SampleReports {

    static final String HOSTILE_DESCRIPTION = "hyphen study <script>alert('description')</script>";
    static final String HOSTILE_PURPOSE = "seed <img src=x onerror=alert(1)> & co";

    private SampleReports() {
    }

    static ReportInputs inputs(Path scratch) {
        SplitReport evaluated = EvaluatedReports.split(scratch, "sample", "1");
        SplitReport interpreted = evaluated.withInterpretation(EvaluatedReports.interpretation(evaluated.children()));
        List<ReportRow> rows = List.of(
                row(spec("1", HOSTILE_PURPOSE, DataSelection.FILTERED), RunStatus.SUCCEEDED, Optional.of(interpreted),
                        curve(1.0, 0.2), 10_000),
                row(spec("2", "all tokens", DataSelection.ALL), RunStatus.SUCCEEDED, Optional.of(evaluated),
                        curve(1.2, 0.3), 12_000),
                row(spec("3", "never finished", DataSelection.ALL), RunStatus.FAILED, Optional.empty(),
                        LossCurve.EMPTY, 0));
        long[] counts = new long[80];
        for (int b = 0; b < counts.length; b++) {
            counts[b] = Math.max(0, 4000 - 60L * b);
        }
        FilterStatistics filter = new FilterStatistics(0.5f, 1_000_000, 72_000, 0.072,
                new ActivationHistogram(20, 0.25, 900_000, counts, 12));
        return new ReportInputs("sample", HOSTILE_DESCRIPTION, 16, density(16, 0, -3.0f), Optional.of(filter), rows);
    }

    private static ReportRow row(RunSpec spec, RunStatus status, Optional<SplitReport> evaluation, LossCurve curve,
                                 long tokensToCommonLoss) {
        Optional<SplitReport> report = evaluation;
        RunTableRow row = new RunTableRow(spec, status,
                report.map(r -> r.verdict().outcome()), report.map(r -> r.verdict().reason()),
                report.map(r -> r.groundTruth().outcome()), report.map(r -> r.groundTruth().reason()),
                curve.isEmpty() ? Map.of() : Map.of("train/loss", curve.finalLoss()), Optional.empty(),
                Optional.empty());
        return new ReportRow(row, report, report.map(r -> density(64, 5, -2.5f)), curve,
                curve.isEmpty() ? Optional.empty()
                        : Optional.of(new TrainingEfficiency.CommonLoss(0.3, tokensToCommonLoss)));
    }

    private static RunSpec spec(String id, String purpose, DataSelection data) {
        return new RunSpec(id, purpose, 64, 42, Init.RANDOM, true, data, LossChange.STANDARD, 200_000, "");
    }

    /** A loss curve falling from {@code first} to {@code last} over ten reports of 1000 tokens. */
    static LossCurve curve(double first, double last) {
        double[] steps = new double[10];
        double[] tokens = new double[10];
        double[] losses = new double[10];
        for (int i = 0; i < 10; i++) {
            steps[i] = 10 * i;
            tokens[i] = 1000 * i;
            losses[i] = first + (last - first) * i / 9.0;
        }
        return new LossCurve(steps, tokens, losses);
    }

    /** {@code latents} log10 frequencies spread from {@code centre} − 1 to {@code centre} + 1, {@code dead} of them −10. */
    static float[] density(int latents, int dead, float centre) {
        float[] values = new float[latents];
        for (int i = 0; i < latents; i++) {
            values[i] = i < dead ? -10f : centre - 1 + 2f * i / latents;
        }
        return values;
    }
}
