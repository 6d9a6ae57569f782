package dev.saesplit.experiment;

import dev.saesplit.activations.ActivationActivities;
import dev.saesplit.evaluate.EvaluationActivities;
import dev.saesplit.evaluate.EvaluationRequest;
import dev.saesplit.evaluate.EvaluationResult;
import dev.saesplit.evaluate.ReconstructionSummary;
import dev.saesplit.filter.FilterActivities;
import dev.saesplit.init.InitActivities;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.BadInput;
import dev.saesplit.pipeline.FailureClassifyingInterceptor;
import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.run.SplitRunWorkflowImpl;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.record.RunTableActivities;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.TargetLatent;
import dev.saesplit.table.RunStatus;
import dev.saesplit.table.SplitOutcome;
import dev.saesplit.track.ReportRequest;
import dev.saesplit.track.TrackingActivities;
import dev.saesplit.train.GroupTrainRequest;
import dev.saesplit.train.TrainRequest;
import dev.saesplit.train.TrainingActivities;

import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * In-memory stand-ins for every stage's activities: they do no numerical work, but record what the workflows
 * asked of them, so tests can check the pipeline's wiring, ordering, routing, retries and parallelism.
 */
final class FakePipeline {

    static final int D_IN = 16;
    static final int TARGET = 5;
    /** Where the fake language-model training says its models are: a store no machine can read as a path. */
    static final String MODELS = "mlflow-artifacts://127.0.0.1:5000/saesplit/lm/";

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<TrainRequest> trainRequests = new CopyOnWriteArrayList<>();
    final List<GroupTrainRequest> groupRequests = new CopyOnWriteArrayList<>();
    final List<ActivationSourceSpec> activationSources = new CopyOnWriteArrayList<>();
    final List<ActivationSourceSpec> evaluationSources = new CopyOnWriteArrayList<>();
    final List<InitRequest> initRequests = new CopyOnWriteArrayList<>();
    final Map<String, RunStatus> runStatus = new ConcurrentHashMap<>();
    final Map<String, String> runFailures = new ConcurrentHashMap<>();
    final Map<String, EvaluationResult> results = new ConcurrentHashMap<>();
    final List<RunStatus> experimentStatus = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> trainAttempts = new ConcurrentHashMap<>();
    final AtomicInteger trainingNow = new AtomicInteger();
    final AtomicInteger mostTrainingAtOnce = new AtomicInteger();

    /** Rows whose training throws bad input. */
    volatile Predicate<String> badInputRows = id -> false;
    /** Rows whose first training attempt hits an infrastructure fault. */
    volatile Predicate<String> flakyRows = id -> false;
    /** Rows whose training hits a bug (an index out of bounds) on every attempt. */
    volatile Predicate<String> buggyRows = id -> false;
    /** Attempts of a flaky row that fail with a connection error before one succeeds. */
    volatile int flakyAttempts = 1;
    /** When set, training of this row waits until {@link #release} is counted down. */
    volatile String blockedRow;
    final CountDownLatch blockedRowEntered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    /**
     * A started test server running both workflows on the cpu queue with these stand-ins, and {@code training} on
     * the gpu queue only (a workflow routing training elsewhere would never finish).
     */
    TestWorkflowEnvironment startEnvironment(TrainingActivities training) {
        TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new FailureClassifyingInterceptor()).build())
                .build());
        Worker cpu = env.newWorker(TaskQueues.CPU);
        cpu.registerWorkflowImplementationTypes(ExperimentWorkflowImpl.class, SplitRunWorkflowImpl.class);
        cpu.registerActivitiesImplementations(new Activations(), new Init(), new Filter(), new Evaluation(),
                new RunTable(), new Tracking());
        env.newWorker(TaskQueues.GPU).registerActivitiesImplementations(training);
        env.start();
        return env;
    }

    static ArtifactRef artifact(String kind, String key) {
        return new ArtifactRef(kind, key, "file:///artifacts/" + kind + "/" + key, "hash-" + key);
    }

    final class Activations implements ActivationActivities {
        @Override
        public ActivationsRef ensureActivations(String experiment, ActivationSourceSpec source) {
            calls.add("activations");
            activationSources.add(source);
            return new ActivationsRef(artifact("activations", source.kind()), D_IN, 100_000, "m", "h");
        }
    }

    /** Trains no model: answers with the folder a trained model of that name would have. */
    final class LanguageModelTraining implements dev.saesplit.lm.train.LanguageModelTrainingActivities {
        @Override
        public ArtifactRef trainLanguageModel(dev.saesplit.spec.LanguageModelSpec spec, String experiment) {
            calls.add("train language model " + spec.name());
            return new ArtifactRef("lm", spec.name(), MODELS + spec.name(), "hash");
        }
    }

    final class Init implements InitActivities {
        @Override
        public SaeRef initialise(InitRequest request) {
            calls.add("init " + request.runId());
            initRequests.add(request);
            return new SaeRef(artifact("sae", "init-" + request.runId()), request.data().dIn(), request.width());
        }

        @Override
        public SaeRef registerExisting(String experiment, String path, ActivationsRef data) {
            calls.add("register " + path);
            return new SaeRef(artifact("sae", "existing"), D_IN, 8);
        }

        @Override
        public SaeRef importForRow(String experiment, String runId, String path, ActivationsRef data) {
            calls.add("import " + runId + " " + path);
            return new SaeRef(artifact("sae", "imported-" + runId), D_IN, 16);
        }
    }

    final class Training implements TrainingActivities {
        @Override
        public SaeRef train(TrainRequest request) {
            String row = request.runId();
            int attempt = trainAttempts.computeIfAbsent(row, r -> new AtomicInteger()).incrementAndGet();
            int now = trainingNow.incrementAndGet();
            mostTrainingAtOnce.accumulateAndGet(now, Math::max);
            try {
                calls.add("train " + row);
                trainRequests.add(request);
                if (badInputRows.test(row)) {
                    throw new MalformedData("activations of row " + row + " contain NaN at token 17");
                }
                if (flakyRows.test(row) && attempt <= flakyAttempts) {
                    throw new UncheckedIOException(new ConnectException("connection to the artifact store reset"));
                }
                if (buggyRows.test(row)) {
                    int[] shape = new int[4];
                    return new SaeRef(artifact("sae", "trained-" + shape[7]), 0, 0);
                }
                if (row.equals(blockedRow)) {
                    blockedRowEntered.countDown();
                    await(release);
                } else {
                    pause();
                }
                return new SaeRef(artifact("sae", "trained-" + row), request.initial().dIn(),
                        request.initial().width());
            } finally {
                trainingNow.decrementAndGet();
            }
        }

        @Override
        public List<SaeRef> trainTogether(GroupTrainRequest request) {
            List<String> rows = request.rows().stream().map(TrainRequest::runId).toList();
            calls.add("train together " + String.join(",", rows) + " stream seed " + request.streamSeed());
            groupRequests.add(request);
            trainRequests.addAll(request.rows());
            for (String row : rows) {
                if (badInputRows.test(row)) {
                    throw new MalformedData("activations of row " + row + " contain NaN at token 17");
                }
            }
            if (rows.contains(blockedRow)) {
                blockedRowEntered.countDown();
                await(release);
            }
            return request.rows().stream().map(r -> new SaeRef(artifact("sae", "trained-" + r.runId()),
                    r.initial().dIn(), r.initial().width())).toList();
        }
    }

    final class Filter implements FilterActivities {
        @Override
        public int resolveTarget(ActivationsRef data, SaeRef narrow, TargetLatent target) {
            calls.add("resolve target");
            return target instanceof TargetLatent.Index index ? index.value() : TARGET;
        }

        @Override
        public dev.saesplit.filter.TokenTarget chooseTokenTarget(String experiment, ActivationsRef data, SaeRef narrow,
                                                                 String token,
                                                                 dev.saesplit.spec.ActivationSourceSpec.Model source) {
            calls.add("choose target for token " + token + " of " + source.trained().uri());
            return new dev.saesplit.filter.TokenTarget(TARGET, token, 12, 3.0, 0.9, 10, 1000);
        }

        @Override
        public FilteredDataRef selectFiltered(String experiment, ActivationsRef data, SaeRef narrow, int target,
                                              double threshold) {
            calls.add("filter");
            return new FilteredDataRef(artifact("filtered", "t" + target), target, data.tokens(), data.tokens() / 4);
        }
    }

    final class Evaluation implements EvaluationActivities {
        @Override
        public EvaluationResult evaluate(EvaluationRequest request) {
            calls.add("evaluate " + request.runId());
            evaluationSources.add(request.source());
            ReconstructionSummary fit = new ReconstructionSummary(1024, 0.1, 0.9, 12, 0.01);
            return new EvaluationResult(fit, fit, 3, 3, 0.95, SplitOutcome.YES, "3 distinct children", null, null,
                    artifact("evaluation", request.runId()), null);
        }
    }

    final class RunTable implements RunTableActivities {
        @Override
        public void experimentStatus(String experiment, RunStatus status, String workflowId) {
            experimentStatus.add(status);
        }

        @Override
        public void runStatus(String experiment, String runId, RunStatus status, String workflowId) {
            runStatus.put(runId, status);
        }

        @Override
        public void runFailed(String experiment, String runId, String failure, String workflowId) {
            runStatus.put(runId, RunStatus.FAILED);
            runFailures.put(runId, failure);
        }

        @Override
        public void runResult(String experiment, String runId, EvaluationResult result) {
            results.put(runId, result);
            runStatus.put(runId, RunStatus.SUCCEEDED);
        }
    }

    final class Tracking implements TrackingActivities {
        @Override
        public void publishReport(ReportRequest request) {
            calls.add("report " + request.rows().stream().map(r -> r.runId() + (r.sae() == null ? "-" : "+"))
                    .collect(java.util.stream.Collectors.joining(" ")));
        }
    }

    /** Bad input as an activity implementation signals it. */
    static final class MalformedData extends RuntimeException implements BadInput {
        MalformedData(String message) {
            super(message);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(30);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the blocked row");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
