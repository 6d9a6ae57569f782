package dev.saesplit.cli;

import dev.saesplit.airflow.AirflowDagRuns;
import dev.saesplit.airflow.invoker.ApiException;
import dev.saesplit.airflow.model.DAGRunResponse;
import dev.saesplit.airflow.model.TaskInstanceResponse;
import dev.saesplit.airflow.model.TaskInstancesBatchBody;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/** Follows a DAG run to its end with one progress line: the run's state and each task's. */
final class DagRunFollower {

    private DagRunFollower() {
    }

    static DAGRunResponse follow(AirflowDagRuns runs, String dagId, String runId, PrintWriter out, boolean terminal)
            throws ApiException, InterruptedException {
        String last = "";
        while (true) {
            DAGRunResponse run = runs.get(dagId, runId);
            String line = "DAG run " + run.getState().getValue() + ": " + tasks(runs, dagId, runId);
            if (!line.equals(last)) {
                // On a terminal the line is redrawn in place; in a log, each change is a line of its own.
                out.print(terminal ? "\r\033[K" + line : line + "\n");
                out.flush();
                last = line;
            }
            if (AirflowDagRuns.finished(run)) {
                if (terminal) {
                    out.println();
                }
                return run;
            }
            Thread.sleep(2000);
        }
    }

    private static String tasks(AirflowDagRuns runs, String dagId, String runId) throws ApiException {
        TaskInstancesBatchBody body = new TaskInstancesBatchBody().dagIds(List.of(dagId)).dagRunIds(List.of(runId))
                .orderBy("start_date");
        List<TaskInstanceResponse> tasks = runs.client().read("list tasks of " + runId,
                () -> runs.client().taskInstances().getTaskInstancesBatch("~", "~", body)).getTaskInstances();
        return tasks.stream().map(t -> t.getTaskId() + " " + (t.getState() == null ? "waiting" : t.getState().getValue()))
                .collect(Collectors.joining(", "));
    }
}
