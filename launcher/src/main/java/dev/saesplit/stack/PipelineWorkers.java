package dev.saesplit.stack;

import dev.saesplit.activations.ActivationActivitiesImpl;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.evaluate.EvaluationActivitiesImpl;
import dev.saesplit.experiment.ExperimentWorkflowImpl;
import dev.saesplit.filter.FilterActivitiesImpl;
import dev.saesplit.init.InitActivitiesImpl;
import dev.saesplit.pipeline.FailureClassifyingInterceptor;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.record.RunTableActivitiesImpl;
import dev.saesplit.run.SplitRunWorkflowImpl;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.store.RunStateRecorder;
import dev.saesplit.track.TrackingActivitiesImpl;
import dev.saesplit.lm.train.LanguageModelTrainingActivitiesImpl;
import dev.saesplit.train.TrainingActivitiesImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;

import dev.saesplit.airflow.AirflowClient;
import dev.saesplit.upstream.UpstreamDagActivitiesImpl;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Workers for the pipeline's task queues: {@code cpu} runs the workflows and every stage but training,
 * {@code gpu} runs training. One process may poll both.
 */
public final class PipelineWorkers {

    /**
     * Progress travels in heartbeat details, which the SDK sends at most this often (by default 80 % of the
     * heartbeat timeout, too slow for a live progress line): training's, and caching's, the filter's and
     * evaluation's on the cpu queue.
     */
    public static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);

    /** The workflow implementations the {@code cpu} queue runs. */
    static final Class<?>[] WORKFLOWS = {ExperimentWorkflowImpl.class, SplitRunWorkflowImpl.class};

    private PipelineWorkers() {
    }

    /**
     * A factory with workers for {@code queues} (full queue names), not yet started. Experiments with an upstream
     * DAG ({@code activations.after}) run it on the Airflow {@code airflow} connects to, asked for only then. The
     * gpu worker runs at most {@code training.slots()} trainings at once; rows beyond that wait in the queue.
     */
    public static WorkerFactory create(WorkflowClient client, Collection<String> queues, ArtifactStore artifacts,
                                       DataSource database, Supplier<AirflowClient> airflow,
                                       TrainingSlots training) {
        return create(client, queues, artifacts, database, airflow, training, List.of());
    }

    /** As above, every activity also passing through {@code observers} (tests watch heartbeats this way). */
    public static WorkerFactory create(WorkflowClient client, Collection<String> queues, ArtifactStore artifacts,
                                       DataSource database, Supplier<AirflowClient> airflow,
                                       TrainingSlots training, List<WorkerInterceptor> observers) {
        List<WorkerInterceptor> interceptors = new ArrayList<>(observers);
        interceptors.add(new FailureClassifyingInterceptor());
        WorkerFactory factory = WorkerFactory.newInstance(client, WorkerFactoryOptions.newBuilder()
                .setWorkerInterceptors(interceptors.toArray(WorkerInterceptor[]::new)).build());
        if (queues.contains(TaskQueues.CPU)) {
            Worker cpu = factory.newWorker(TaskQueues.CPU, WorkerOptions.newBuilder()
                    .setMaxHeartbeatThrottleInterval(PROGRESS_INTERVAL).build());
            cpu.registerWorkflowImplementationTypes(WORKFLOWS);
            cpu.registerActivitiesImplementations(
                    new ActivationActivitiesImpl(artifacts),
                    new InitActivitiesImpl(artifacts),
                    new FilterActivitiesImpl(artifacts, new MetricsRecorder(database)),
                    new EvaluationActivitiesImpl(artifacts),
                    new RunTableActivitiesImpl(new RunStateRecorder(database)),
                    new TrackingActivitiesImpl(artifacts, database),
                    new UpstreamDagActivitiesImpl(airflow));
        }
        if (queues.contains(TaskQueues.GPU)) {
            Worker gpu = factory.newWorker(TaskQueues.GPU, WorkerOptions.newBuilder()
                    .setMaxConcurrentActivityExecutionSize(training.slots())
                    .setMaxHeartbeatThrottleInterval(PROGRESS_INTERVAL).build());
            if (training.slots() > 1) {
                ComputeDevice.limitIntraOpThreads(training.threadsPerTraining());
            }
            gpu.registerActivitiesImplementations(new TrainingActivitiesImpl(artifacts, new MetricsRecorder(database)),
                    new LanguageModelTrainingActivitiesImpl(artifacts));
        }
        return factory;
    }
}
