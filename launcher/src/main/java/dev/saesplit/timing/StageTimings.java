package dev.saesplit.timing;

import dev.saesplit.pipeline.PipelineStage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Wall time against compute, per stage and for the whole experiment. Stages run in parallel (rows), so the
 * figures are defined on time intervals rather than sums:
 * <ul>
 *   <li>a stage's <b>compute</b> is the sum of its activities' execution times (started → closed); with rows in
 *       parallel it may exceed its wall time, never wall × the trainings running at once;</li>
 *   <li>a stage's <b>wall</b> is the time some workflow was in that stage: the union over workflows of the spans
 *       from the first of consecutive activities of the stage being scheduled to the last one closing;</li>
 *   <li>a stage's <b>idle</b> share is the part of its wall time when none of its activities was executing on
 *       any worker (waiting to be scheduled, polled, or between activities);</li>
 *   <li>the experiment's <b>orchestration overhead</b> is the share of its wall time (its workflow's start to
 *       close) when no activity at all was executing: 1 − busy / wall, busy being the union of every activity's
 *       execution. For a pipeline that runs one activity at a time this is 1 − Σ compute / wall.</li>
 * </ul>
 *
 * @param stages  each stage that ran, in pipeline order
 * @param wall    the experiment workflow's start to close
 * @param compute every activity's execution time, summed
 * @param busy    the union of every activity's execution
 */
public record StageTimings(List<Stage> stages, Duration wall, Duration compute, Duration busy) {

    /**
     * One stage's figures.
     *
     * @param activities how many activity executions it had
     */
    public record Stage(PipelineStage stage, int activities, Duration wall, Duration compute, Duration busy) {

        /** The share of the stage's wall time when none of its activities executed. */
        public double idle() {
            return share(wall.minus(busy), wall);
        }

        /** Compute per wall second: how many of its activities ran at once, on average. */
        public double parallelism() {
            return wall.isZero() ? 0 : (double) compute.toNanos() / wall.toNanos();
        }
    }

    /** Figures from the activities of an experiment whose workflow ran from {@code start} to {@code end}. */
    public static StageTimings of(List<ActivitySpan> activities, Instant start, Instant end) {
        Map<PipelineStage, List<ActivitySpan>> byStage = activities.stream().collect(Collectors.groupingBy(
                ActivitySpan::stage, () -> new EnumMap<>(PipelineStage.class), Collectors.toList()));
        List<Stage> stages = new ArrayList<>();
        Map<PipelineStage, List<Interval>> inStage = stageSpans(activities);
        byStage.forEach((stage, spans) -> stages.add(new Stage(stage, spans.size(), union(inStage.get(stage)),
                compute(spans), union(spans.stream().map(a -> new Interval(a.started(), a.closed())).toList()))));
        return new StageTimings(List.copyOf(stages), Duration.between(start, end), compute(activities),
                union(activities.stream().map(a -> new Interval(a.started(), a.closed())).toList()));
    }

    /** 1 − busy / wall: the share of the experiment's wall time when no activity was executing. */
    public double overhead() {
        return share(wall.minus(busy), wall);
    }

    private static double share(Duration part, Duration whole) {
        return whole.isZero() ? 0 : Math.max(0, (double) part.toNanos() / whole.toNanos());
    }

    private static Duration compute(List<ActivitySpan> spans) {
        return spans.stream().map(ActivitySpan::compute).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * Per workflow, the spans in which it was in a stage: from the first of consecutive activities of one stage
     * being scheduled to the last one closing (the gap between a row's initialisation and its training belongs
     * to neither).
     */
    private static Map<PipelineStage, List<Interval>> stageSpans(List<ActivitySpan> activities) {
        Map<PipelineStage, List<Interval>> spans = new EnumMap<>(PipelineStage.class);
        for (List<ActivitySpan> ofWorkflow : activities.stream()
                .collect(Collectors.groupingBy(ActivitySpan::workflow)).values()) {
            List<ActivitySpan> ordered = ofWorkflow.stream()
                    .sorted(Comparator.comparing(ActivitySpan::scheduled)).toList();
            int first = 0;
            for (int i = 1; i <= ordered.size(); i++) {
                if (i == ordered.size() || ordered.get(i).stage() != ordered.get(first).stage()) {
                    List<ActivitySpan> run = ordered.subList(first, i);
                    spans.computeIfAbsent(ordered.get(first).stage(), s -> new ArrayList<>()).add(new Interval(
                            run.get(0).scheduled(),
                            run.stream().map(ActivitySpan::closed).max(Comparator.naturalOrder()).orElseThrow()));
                    first = i;
                }
            }
        }
        return spans;
    }

    /** The total length of the union of {@code intervals}. */
    static Duration union(List<Interval> intervals) {
        List<Interval> sorted = intervals.stream().sorted(Comparator.comparing(Interval::from)).toList();
        Duration total = Duration.ZERO;
        Instant coveredTo = Instant.MIN;
        for (Interval i : sorted) {
            Instant from = i.from().isAfter(coveredTo) ? i.from() : coveredTo;
            if (i.to().isAfter(from)) {
                total = total.plus(Duration.between(from, i.to()));
                coveredTo = i.to();
            }
        }
        return total;
    }

    record Interval(Instant from, Instant to) {
    }
}
