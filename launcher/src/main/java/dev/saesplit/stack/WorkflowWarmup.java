package dev.saesplit.stack;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.saesplit.experiment.ExperimentWorkflow;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.spec.ExperimentSpec;
import io.grpc.stub.StreamObserver;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.History;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.WorkflowExecutionStartedEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskScheduledEventAttributes;
import io.temporal.api.history.v1.WorkflowTaskStartedEventAttributes;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.GlobalDataConverter;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;

/**
 * Runs, on a background thread while the stack opens, what a worker's first workflow task does cold: the SDK's
 * replay machinery (several hundred classes: state machines, the deterministic runner, protobuf messages) and the
 * experiment workflow's first steps on the spec, by replaying a history that holds only the workflow's start and
 * its first task. Nothing reaches a server: the worker is never started and its client talks to an in-process
 * service that only reports the default capabilities. Left to
 * the worker's first real task, that loading took about 0.2 s of an experiment's wall time with nothing else
 * running, time in which no activity could start.
 */
public final class WorkflowWarmup {

    private static final String WORKFLOW_ID = "saesplit/warm-up";

    private WorkflowWarmup() {
    }

    /** Starts the warm-up for {@code spec}; failures are ignored, as the first task then does the work itself. */
    public static void start(ExperimentSpec spec) {
        Thread thread = new Thread(() -> {
            try {
                replayFirstTask(spec);
            } catch (Exception | LinkageError e) {
                // only a head start: the worker's first task loads what it needs either way
            }
        }, "workflow-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    /** Replays the experiment workflow's first task on {@code spec} in a worker of its own. */
    static void replayFirstTask(ExperimentSpec spec) throws Exception {
        // in process: the replay's one call, for the server's capabilities, is answered here with the defaults
        WorkflowServiceStubs stubs = WorkflowServiceStubs.newInstance(new CapabilitiesOnly(),
                WorkflowServiceStubsOptions.getDefaultInstance());
        try {
            WorkerFactory factory = WorkerFactory.newInstance(WorkflowClient.newInstance(stubs));
            Worker worker = factory.newWorker(TaskQueues.CPU);
            worker.registerWorkflowImplementationTypes(PipelineWorkers.WORKFLOWS);
            worker.replayWorkflowExecution(new WorkflowExecutionHistory(firstTask(spec), WORKFLOW_ID));
        } finally {
            stubs.shutdownNow();
        }
    }

    /** A service that answers only the question a replay asks of it. */
    private static final class CapabilitiesOnly extends WorkflowServiceGrpc.WorkflowServiceImplBase {
        @Override
        public void getSystemInfo(GetSystemInfoRequest request, StreamObserver<GetSystemInfoResponse> response) {
            response.onNext(GetSystemInfoResponse.getDefaultInstance());
            response.onCompleted();
        }
    }

    /** The history of an experiment workflow just started with {@code spec}, its first task under way. */
    static History firstTask(ExperimentSpec spec) {
        long now = System.currentTimeMillis();
        TaskQueue queue = TaskQueue.newBuilder().setName(TaskQueues.CPU).build();
        return History.newBuilder()
                .addEvents(HistoryEvent.newBuilder().setEventId(1).setEventTime(Timestamps.fromMillis(now))
                        .setEventType(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
                        .setWorkflowExecutionStartedEventAttributes(WorkflowExecutionStartedEventAttributes.newBuilder()
                                .setWorkflowType(WorkflowType.newBuilder()
                                        .setName(ExperimentWorkflow.class.getSimpleName()))
                                .setTaskQueue(queue)
                                .setInput(GlobalDataConverter.get().toPayloads(spec).orElseThrow())
                                .setWorkflowTaskTimeout(Durations.fromSeconds(10))
                                .setOriginalExecutionRunId("warm-up")
                                .setFirstExecutionRunId("warm-up")
                                .setAttempt(1)))
                .addEvents(HistoryEvent.newBuilder().setEventId(2).setEventTime(Timestamps.fromMillis(now))
                        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED)
                        .setWorkflowTaskScheduledEventAttributes(WorkflowTaskScheduledEventAttributes.newBuilder()
                                .setTaskQueue(queue).setStartToCloseTimeout(Durations.fromSeconds(10)).setAttempt(1)))
                .addEvents(HistoryEvent.newBuilder().setEventId(3).setEventTime(Timestamps.fromMillis(now))
                        .setEventType(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)
                        .setWorkflowTaskStartedEventAttributes(WorkflowTaskStartedEventAttributes.newBuilder()
                                .setScheduledEventId(2).setIdentity("warm-up")))
                .build();
    }
}
