package dev.saesplit.cli;

import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.stack.Stack;
import io.temporal.client.WorkflowNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;


/** Cancels a running experiment, or one of its rows. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a running experiment, or one row of its run table (the others go on).",
                "An experiment running only its narrow stage ('run --until narrow') is cancelled too."})
final class CancelCommand extends SaesplitSubcommand {

    @Parameters(index = "0", paramLabel = "EXPERIMENT")
    String experiment;

    @Parameters(index = "1", paramLabel = "ROW", arity = "0..1", description = "A run-table row id.")
    String row;

    @Override
    public Integer call() {
        String workflowId = row == null ? WorkflowIds.experiment(experiment) : WorkflowIds.run(experiment, row);
        try (Stack stack = saesplit.openStack()) {
            if (row == null) {
                workflowId = RunningWorkflows.of(stack.client(), experiment);
            }
            stack.client().newUntypedWorkflowStub(workflowId).cancel();
            out().printf("cancellation requested for %s%n", workflowId);
        } catch (WorkflowNotFoundException e) {
            throw new NotRunningException(workflowId);
        }
        return SaesplitCommand.OK;
    }
}
