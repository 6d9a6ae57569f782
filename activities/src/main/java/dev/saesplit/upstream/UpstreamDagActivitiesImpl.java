package dev.saesplit.upstream;

import dev.saesplit.airflow.AirflowAuthenticationException;
import dev.saesplit.airflow.AirflowClient;
import dev.saesplit.airflow.AirflowDagRuns;
import dev.saesplit.airflow.AirflowUnavailableException;
import dev.saesplit.airflow.invoker.ApiException;
import dev.saesplit.airflow.model.DAGRunResponse;
import dev.saesplit.airflow.model.DagRunState;
import dev.saesplit.airflow.model.TaskInstanceResponse;
import dev.saesplit.digest.Sha256;
import dev.saesplit.spec.UpstreamDag;
import dev.saesplit.worker.ActivityHeartbeat;

import java.time.Duration;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Runs an experiment's upstream Airflow DAG through the generated client and waits for it. The DAG run's id is
 * derived from the experiment, the DAG and its conf, so a retried or resumed attempt (another worker, after this
 * one was killed) attaches to the run the first attempt triggered instead of starting a second one.
 */
public final class UpstreamDagActivitiesImpl implements UpstreamDagActivities {

    private static final Duration POLL = Duration.ofSeconds(3);

    private final Supplier<AirflowClient> airflow;

    /** {@code airflow} is asked for a client only when an experiment has an upstream DAG. */
    public UpstreamDagActivitiesImpl(Supplier<AirflowClient> airflow) {
        this.airflow = airflow;
    }

    @Override
    public String awaitDagRun(String experiment, UpstreamDag dag) {
        String runId = runId(experiment, dag);
        try (ActivityHeartbeat heartbeat = ActivityHeartbeat.start(dag.dagId() + " " + runId + ": triggering")) {
            AirflowDagRuns runs = new AirflowDagRuns(airflow.get());
            if (!runs.exists(dag.dagId())) {
                throw new UpstreamDagFailedException("activations.after.airflow_dag: Airflow at "
                        + runs.client().baseUrl() + " has no DAG '" + dag.dagId() + "'");
            }
            if (runs.paused(dag.dagId())) {
                runs.setPaused(dag.dagId(), false);
            }
            DAGRunResponse run = runs.triggerOrAttach(dag.dagId(), runId, dag.conf());
            while (!AirflowDagRuns.finished(run)) {
                heartbeat.update(dag.dagId() + " " + runId + ": " + run.getState().getValue());
                heartbeat.checkNotCancelled();
                Thread.sleep(POLL.toMillis());
                run = runs.get(dag.dagId(), runId);
            }
            if (run.getState() != DagRunState.SUCCESS) {
                throw new UpstreamDagFailedException(failure(runs, dag, runId));
            }
            Object output = runs.xcom(dag.dagId(), runId, dag.outputTask(), dag.outputXcom()).orElseThrow(() ->
                    new UpstreamDagFailedException("DAG run " + runId + " of " + dag.dagId() + " succeeded, but its "
                            + "task '" + dag.outputTask() + "' pushed no XCom '" + dag.outputXcom() + "'"));
            return output.toString();
        } catch (AirflowAuthenticationException e) {
            throw new UpstreamDagFailedException(e.getMessage());
        } catch (AirflowUnavailableException e) {
            throw new AirflowDownException(e.getMessage(), e);
        } catch (ApiException e) {
            if (e.getCode() == 0 || e.getCode() >= 500) {
                throw new AirflowDownException("Airflow failed: " + AirflowClient.describe(e), e);
            }
            throw new UpstreamDagFailedException("Airflow refused a call for DAG '" + dag.dagId() + "': "
                    + AirflowClient.describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AirflowDownException("interrupted while waiting for DAG '" + dag.dagId() + "'", e);
        }
    }

    /** {@code saesplit__<experiment>__<12 hex digits of the DAG and its conf>}: one run per experiment and input. */
    static String runId(String experiment, UpstreamDag dag) {
        String identity = dag.dagId() + "\n" + new TreeMap<>(dag.conf());
        return "saesplit__" + experiment + "__" + Sha256.ofText(identity).substring(0, 12);
    }

    /** Which tasks failed, each with the end of its log. */
    private static String failure(AirflowDagRuns runs, UpstreamDag dag, String runId) throws ApiException {
        StringBuilder message = new StringBuilder("upstream DAG run " + runId + " of " + dag.dagId() + " failed");
        for (TaskInstanceResponse task : runs.failedTasks(dag.dagId(), runId)) {
            message.append("; task ").append(task.getTaskId()).append(", end of its log:\n")
                    .append(runs.logTail(dag.dagId(), runId, task, 15));
        }
        return message.toString();
    }
}
