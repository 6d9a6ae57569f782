package dev.saesplit.upstream;

import dev.saesplit.spec.UpstreamDag;
import io.temporal.activity.ActivityInterface;

/** Waits for the Airflow DAG run an experiment's data comes from. */
@ActivityInterface
public interface UpstreamDagActivities {

    /**
     * Runs {@code dag} for {@code experiment} (or attaches to the run a previous attempt started: its id is
     * derived from the experiment and the DAG's conf), waits for it while heartbeating, and returns its output
     * XCom as text. A failed DAG run is a non-retryable failure carrying the end of its failed task's log.
     */
    String awaitDagRun(String experiment, UpstreamDag dag);
}
