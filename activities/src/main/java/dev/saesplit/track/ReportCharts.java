package dev.saesplit.track;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The report's charts as PNG files. */
final class ReportCharts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    /** log10 firing frequency: SAELens stores log10(f + 1e-10), so −10 means never fired. */
    private static final double DENSITY_LOW = -10;
    private static final double DENSITY_HIGH = 0;
    private static final int DENSITY_BINS = 40;

    static {
        System.setProperty("java.awt.headless", "true"); // workers have no display
    }

    private ReportCharts() {
    }

    /**
     * Training loss against step, one line per row.
     *
     * @param curves row label → (steps, losses)
     */
    static void lossCurves(String title, Map<String, double[][]> curves, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("step").yAxisTitle("loss (MSE + λ·L1)").build();
        curves.forEach((label, curve) -> {
            if (curve[0].length > 0) {
                chart.addSeries(label, curve[0], curve[1]).setMarker(SeriesMarkers.NONE);
            }
        });
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Feature-density histograms: the fraction of each SAE's latents per bin of log10 firing frequency.
     *
     * @param densities SAE label → log10 firing frequency of each latent
     */
    static void featureDensity(String title, Map<String, float[]> densities, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("log10 firing frequency").yAxisTitle("fraction of latents").build();
        double width = (DENSITY_HIGH - DENSITY_LOW) / DENSITY_BINS;
        double[] centres = new double[DENSITY_BINS];
        for (int b = 0; b < DENSITY_BINS; b++) {
            centres[b] = DENSITY_LOW + (b + 0.5) * width;
        }
        densities.forEach((label, logFrequencies) -> {
            double[] fractions = new double[DENSITY_BINS];
            for (float f : logFrequencies) {
                int bin = (int) Math.floor((Math.max(DENSITY_LOW, Math.min(DENSITY_HIGH, f)) - DENSITY_LOW) / width);
                fractions[Math.min(DENSITY_BINS - 1, Math.max(0, bin))] += 1.0 / logFrequencies.length;
            }
            XYSeries series = chart.addSeries(label, centres, fractions);
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            series.setMarker(SeriesMarkers.NONE);
        });
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** (steps, values) arrays of a series of points. */
    static double[][] curve(List<double[]> points) {
        double[][] curve = new double[2][points.size()];
        for (int i = 0; i < points.size(); i++) {
            curve[0][i] = points.get(i)[0];
            curve[1][i] = points.get(i)[1];
        }
        return curve;
    }
}
