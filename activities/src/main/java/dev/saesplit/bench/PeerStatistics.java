package dev.saesplit.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Mean and seed-to-seed spread of one figure over a side's SAEs. */
final class PeerStatistics {

    private PeerStatistics() {
    }

    static <T> double mean(List<T> values, ToDoubleFunction<T> figure) {
        return values.stream().mapToDouble(figure).average().orElse(Double.NaN);
    }

    /** Sample standard deviation across seeds; NaN for a single seed. */
    static <T> double standardDeviation(List<T> values, ToDoubleFunction<T> figure) {
        if (values.size() < 2) {
            return Double.NaN;
        }
        double mean = mean(values, figure);
        double squares = values.stream().mapToDouble(v -> Math.pow(figure.applyAsDouble(v) - mean, 2)).sum();
        return Math.sqrt(squares / (values.size() - 1));
    }

    /** The largest |a_i − b_i| over seeds paired by position. */
    static <T> double largestPairedDifference(List<T> a, List<T> b, ToDoubleFunction<T> figure) {
        double largest = 0;
        for (int i = 0; i < a.size(); i++) {
            largest = Math.max(largest, Math.abs(figure.applyAsDouble(a.get(i)) - figure.applyAsDouble(b.get(i))));
        }
        return largest;
    }
}
