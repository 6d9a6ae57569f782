package dev.saesplit.airflow;

import dev.saesplit.airflow.invoker.ApiException;
import dev.saesplit.airflow.model.DAGPatchBody;
import dev.saesplit.airflow.model.DAGRunResponse;
import dev.saesplit.airflow.model.DAGRunsBatchBody;
import dev.saesplit.airflow.model.DagRunState;
import dev.saesplit.airflow.model.ResponseGetXcomEntry;
import dev.saesplit.airflow.model.TaskInstanceResponse;
import dev.saesplit.airflow.model.TaskInstanceState;
import dev.saesplit.airflow.model.TaskInstancesBatchBody;
import dev.saesplit.airflow.model.TriggerDAGRunPostBody;
import dev.saesplit.airflow.model.XComResponseNative;
import dev.saesplit.airflow.model.XComResponseString;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What saesplit does with DAGs and their runs, each a call (or a few) of the generated API through the client. */
public final class AirflowDagRuns {

    private final AirflowClient client;

    public AirflowDagRuns(AirflowClient client) {
        this.client = client;
    }

    public AirflowClient client() {
        return client;
    }

    /** Whether the DAG has been parsed and is known to Airflow. */
    public boolean exists(String dagId) throws ApiException {
        try {
            client.read("GET dag " + dagId, () -> client.dags().getDag(dagId));
            return true;
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    /** Whether the DAG is paused (a paused DAG's runs stay queued). */
    public boolean paused(String dagId) throws ApiException {
        return Boolean.TRUE.equals(client.read("GET dag " + dagId, () -> client.dags().getDag(dagId)).getIsPaused());
    }

    public void setPaused(String dagId, boolean paused) throws ApiException {
        client.call("PATCH dag " + dagId, () -> client.dags().patchDag(dagId, new DAGPatchBody().isPaused(paused),
                List.of("is_paused")));
    }

    /**
     * Triggers the DAG as run {@code runId} with {@code conf}; when a run of that id exists already (a retried or
     * resumed caller), returns that run instead of starting a second one.
     */
    public DAGRunResponse triggerOrAttach(String dagId, String runId, Map<String, Object> conf) throws ApiException {
        TriggerDAGRunPostBody body = new TriggerDAGRunPostBody().dagRunId(runId).conf(conf).logicalDate(null);
        try {
            return client.call("trigger " + dagId, () -> client.dagRuns().triggerDagRun(dagId, body));
        } catch (ApiException e) {
            if (e.getCode() == 409) {
                return get(dagId, runId);
            }
            throw e;
        }
    }

    public DAGRunResponse get(String dagId, String runId) throws ApiException {
        return client.read("GET dag run " + runId, () -> client.dagRuns().getDagRun(dagId, runId));
    }

    /** The DAG's latest runs, newest first. */
    public List<DAGRunResponse> recent(String dagId, int limit) throws ApiException {
        DAGRunsBatchBody body = new DAGRunsBatchBody().dagIds(List.of(dagId)).orderBy("-run_after").pageLimit(limit);
        return client.read("list runs of " + dagId, () -> client.dagRuns().getListDagRunsBatch("~", body)).getDagRuns();
    }

    public static boolean finished(DAGRunResponse run) {
        return run.getState() == DagRunState.SUCCESS || run.getState() == DagRunState.FAILED;
    }

    /** A task's XCom value, as JSON-like Java values (String, Number, Map, List); empty when there is none. */
    public Optional<Object> xcom(String dagId, String runId, String taskId, String key) throws ApiException {
        try {
            ResponseGetXcomEntry entry = client.read("GET xcom " + key, () -> client.xcoms().getXcomEntry(dagId, taskId,
                    runId, key, null, true, false));
            Object value = entry.getActualInstance() instanceof XComResponseNative n ? n.getValue()
                    : entry.getActualInstance() instanceof XComResponseString s ? s.getValue() : null;
            return Optional.ofNullable(value);
        } catch (ApiException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The tasks of the run that failed (or whose upstream failed), in Airflow's order. */
    public List<TaskInstanceResponse> failedTasks(String dagId, String runId) throws ApiException {
        TaskInstancesBatchBody body = new TaskInstancesBatchBody().dagIds(List.of(dagId)).dagRunIds(List.of(runId))
                .state(List.of(TaskInstanceState.FAILED));
        return client.read("list failed tasks of " + runId,
                () -> client.taskInstances().getTaskInstancesBatch("~", "~", body)).getTaskInstances();
    }

    /** The last {@code maxLines} lines of a task's log for its latest try. */
    public String logTail(String dagId, String runId, TaskInstanceResponse task, int maxLines) throws ApiException {
        int tryNumber = task.getTryNumber() == null || task.getTryNumber() < 1 ? 1 : task.getTryNumber();
        Object content = client.read("GET log of " + task.getTaskId(), () -> client.taskInstances().getLog(dagId, runId,
                task.getTaskId(), tryNumber, true, task.getMapIndex(), null, "application/json")).getContent();
        return TaskLogText.tail(content, maxLines);
    }
}
