package dev.saesplit.cli;

import dev.saesplit.pipeline.TaskQueues;
import dev.saesplit.stack.Stack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Runs a worker until interrupted. */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Run a worker polling the pipeline's task queues until interrupted (Ctrl-C).")
final class WorkerCommand extends SaesplitSubcommand {

    @Option(names = "--queues", split = ",", defaultValue = "cpu,gpu",
            description = "Queues to poll: cpu (workflows, data, evaluation), gpu (training). Default: ${DEFAULT-VALUE}.")
    List<String> queues;

    @Override
    public Integer call() throws InterruptedException {
        List<String> taskQueues;
        try {
            taskQueues = queues.stream().map(String::trim).map(TaskQueues::named).toList();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(command.commandLine(), e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (Stack stack = saesplit.openStack()) {
            stack.startWorker(taskQueues);
            out().printf("worker polling %s on Temporal at %s; Ctrl-C stops it%n",
                    String.join(", ", queues), stack.temporal().address());
            out().flush();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stopped.countDown();
                stack.close();
            }));
            stopped.await();
        }
        return SaesplitCommand.OK;
    }
}
