package dev.saesplit.cli;

import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.stack.Stack;
import dev.saesplit.stack.TrainingSlots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** Runs a worker until interrupted. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Run a worker polling the pipeline's task queues until interrupted (Ctrl-C).",
                "A GPU machine runs '--queues gpu', a CPU machine '--queues cpu'; every worker needs the same "
                        + "Temporal, PostgreSQL, MLflow and artifact store ('saesplit stack status' shows them)."})
final class WorkerCommand extends SaesplitSubcommand {

    @picocli.CommandLine.Mixin
    DeviceOption device;

    @Option(names = "--queues", split = ",", defaultValue = "cpu,gpu",
            description = "Queues to poll: cpu (workflows, data, evaluation), gpu (training). Default: ${DEFAULT-VALUE}.")
    List<String> queues;

    @Option(names = "--max-concurrent", paramLabel = "N",
            description = "Trainings this worker runs at once (rows beyond wait as 'queued'). Default: one on a GPU, "
                    + "one per 4 cores on a CPU, at least one.")
    Integer maxConcurrent;

    @Override
    public Integer call() throws InterruptedException {
        device.requireUsable();
        List<String> taskQueues;
        TrainingSlots training;
        try {
            taskQueues = taskQueues(queues);
            training = maxConcurrent == null ? TrainingSlots.forThisMachine()
                    : TrainingSlots.onThisMachine(maxConcurrent);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (Stack stack = saesplit.openStack()) {
            stack.startWorker(taskQueues, training);
            out().printf("worker polling %s on Temporal at %s%s; Ctrl-C stops it%n",
                    String.join(", ", queues), stack.temporal().address(),
                    taskQueues.contains(TaskQueues.GPU) ? ", " + describe(training) : "");
            out().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                stack.close();
            }));
            stopped.await();
        }
        return SaesplitCommand.OK;
    }

    /** The full queue names for {@code cpu}/{@code gpu} short names: at least one, none unknown or repeated. */
    static List<String> taskQueues(List<String> names) {
        Set<String> queues = new LinkedHashSet<>();
        for (String name : names) {
            String trimmed = name.trim();
            if (trimmed.isEmpty()) {
                throw new IllegalArgumentException("--queues has an empty entry; expected cpu, gpu or cpu,gpu");
            }
            if (!queues.add(TaskQueues.named(trimmed))) {
                throw new IllegalArgumentException("--queues names '" + trimmed + "' twice");
            }
        }
        if (queues.isEmpty()) {
            throw new IllegalArgumentException("--queues names no queue; expected cpu, gpu or cpu,gpu");
        }
        return List.copyOf(queues);
    }

    static String describe(TrainingSlots training) {
        return training.slots() == 1 ? "1 training at a time"
                : training.slots() + " trainings at a time, " + training.threadsPerTraining() + " threads each";
    }
}
