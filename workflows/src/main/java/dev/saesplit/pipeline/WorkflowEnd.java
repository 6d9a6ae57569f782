package dev.saesplit.pipeline;

import dev.saesplit.table.RunStatus;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;

/**
 * How a workflow that ends by a failure records that end: as {@link RunStatus#CANCELLED} when its cancellation was
 * requested, else {@link RunStatus#FAILED}, written outside the workflow's (possibly cancelled) scope — in a
 * cancelled scope the recording activity would itself be cancelled, and the row would stay "running".
 */
public final class WorkflowEnd {

    private WorkflowEnd() {
    }

    /** The end a failure caught now means: cancelled if the workflow's cancellation was requested, else failed. */
    public static RunStatus ofFailure() {
        return CancellationScope.current().isCancelRequested() ? RunStatus.CANCELLED : RunStatus.FAILED;
    }

    /** Runs {@code recording} (activity calls) whether or not the workflow is being cancelled. */
    public static void record(Runnable recording) {
        Workflow.newDetachedCancellationScope(recording).run();
    }
}
