package dev.saesplit.report;

import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.filter.ActivationHistogram;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The report's charts as PNG files; a row has the same colour in every chart (see {@link RowColours}). */
final class ReportCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final Color NEAR_MISS = new Color(0xb0, 0xb0, 0xb0);
    private static final Color PARENT = new Color(0x55, 0x55, 0x55);

    static {
        System.setProperty("java.awt.headless", "true"); // workers have no display
    }

    private ReportCharts() {
    }

    /** A line to draw. */
    record Line(String label, Color colour, double[] x, double[] y) {
    }

    /** A set of latents' log10 firing frequencies. */
    record Density(String label, Color colour, float[] log10Frequencies) {
    }

    /**
     * Training loss against tokens seen, one line per row. Rows on filtered data are measured on the target's
     * tokens only, so their losses are not comparable with rows on all tokens: the legend says which is which.
     */
    static void lossCurves(String title, List<Line> curves, Path png) throws IOException {
        XYChart chart = xyChart(title, "tokens seen", "training loss (MSE + λ·L1) on the row's own data");
        for (Line curve : curves) {
            if (curve.x().length > 0) {
                XYSeries series = chart.addSeries(curve.label(), curve.x(), curve.y());
                series.setMarker(SeriesMarkers.NONE);
                series.setLineColor(curve.colour());
                series.setLineWidth(2f);
            }
        }
        save(chart, png);
    }

    /**
     * Feature-density histograms on an axis fitted to the latents that fired; dead latents are counted in the
     * legend. Lines are half transparent so that one SAE's histogram never hides another's.
     */
    static void featureDensity(String title, List<Density> densities, Path png) throws IOException {
        FeatureDensityBins bins = FeatureDensityBins.fitted(densities.stream().map(Density::log10Frequencies)
                .toList());
        XYChart chart = xyChart(title, "log10 firing frequency (live latents)", "fraction of latents");
        chart.getStyler().setXAxisMin(bins.low()).setXAxisMax(bins.high());
        for (Density d : densities) {
            float[] values = d.log10Frequencies();
            XYSeries series = chart.addSeries(d.label() + " — " + values.length + " latents, "
                    + FeatureDensityBins.dead(values) + " dead", bins.centres(), bins.fractions(values));
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(translucent(d.colour()));
            series.setLineWidth(2.5f);
        }
        save(chart, png);
    }

    /**
     * Each latent's specificity against its decoder cosine with the target: the most specific latents (near
     * misses) in grey, the surviving parents dark, the children in the row's colour.
     */
    static void cosineSpecificity(String title, SplitReport report, Color rowColour, Path png) throws IOException {
        XYChart chart = xyChart(title, "decoder cosine with the target", "specificity P(target | latent)");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        addPoints(chart, "near misses", report.nearMisses(), NEAR_MISS);
        addPoints(chart, "surviving parents", report.parents(), PARENT);
        addPoints(chart, "children", report.children(), rowColour);
        save(chart, png);
    }

    /** How often two children fire together (Jaccard of their firing sets), each pair once per cell. */
    static void coFiring(String title, SplitReport report, Path png) throws IOException {
        List<String> latents = report.children().stream().map(l -> Integer.toString(l.latent())).toList();
        double[][] jaccard = report.split().pairwiseJaccard();
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < latents.size(); i++) {
            for (int j = 0; j < latents.size(); j++) {
                cells.add(new Number[] {i, j, jaccard[i][j]});
            }
        }
        int side = Math.min(HEIGHT, 160 + 60 * latents.size());
        HeatMapChart chart = new HeatMapChartBuilder().width(side + 220).height(side).title(title)
                .xAxisTitle("child latent").yAxisTitle("child latent").build();
        chart.getStyler().setMin(0).setMax(1).setShowValue(true).setHeatMapValueDecimalPattern("0.00")
                .setRangeColors(new Color[] {Color.WHITE, new Color(0x1f77b4)});
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.addSeries("Jaccard", latents, latents, cells);
        save(chart, png);
    }

    /**
     * The target latent's activation over every scanned token, on a log count axis (most tokens are quiet); the
     * threshold is a vertical line and the tokens where it did not fire are counted in the legend.
     */
    static void filterHistogram(String title, ActivationHistogram histogram, double threshold, Path png)
            throws IOException {
        long[] counts = histogram.counts();
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] > 0) {
                x.add((b + 0.5) * histogram.binWidth());
                y.add((double) counts[b]);
            }
        }
        XYChart chart = xyChart(title, "target latent activation", "tokens (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        if (!x.isEmpty()) {
            XYSeries bars = chart.addSeries("tokens where it fired (" + histogram.inactive() + " where it did not, "
                    + histogram.overflow() + " at or above " + histogram.upper() + ")", x, y);
            bars.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            bars.setMarker(SeriesMarkers.NONE);
            bars.setLineColor(RowColours.NARROW);
            double top = y.stream().mapToDouble(Double::doubleValue).max().orElse(1);
            XYSeries line = chart.addSeries("threshold " + threshold, new double[] {threshold, threshold},
                    new double[] {1, top});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(new Color(0xd62728));
            line.setLineWidth(2f);
        }
        save(chart, png);
    }

    private static XYChart xyChart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        return chart;
    }

    private static void addPoints(XYChart chart, String name, List<SplitReport.Latent> latents, Color colour) {
        if (latents.isEmpty()) {
            return;
        }
        XYSeries series = chart.addSeries(name + " (" + latents.size() + ")",
                latents.stream().mapToDouble(SplitReport.Latent::cosine).toArray(),
                latents.stream().mapToDouble(l -> Double.isFinite(l.specificity()) ? l.specificity() : 0).toArray());
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setMarkerColor(colour);
    }

    private static Color translucent(Color colour) {
        return new Color(colour.getRed(), colour.getGreen(), colour.getBlue(), 200);
    }

    private static void save(Chart<?, ?> chart, Path png) throws IOException {
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
