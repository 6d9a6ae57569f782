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
        try (Stack stack = saesplit.openStack()) {
            String workflowId = row == null ? RunningWorkflows.of(stack.client(), experiment)
                    : WorkflowIds.run(experiment, row);
            try {
                stack.client().newUntypedWorkflowStub(workflowId).cancel();
            } catch (WorkflowNotFoundException e) {
                throw new NotRunningException(workflowId);
            }
            out().printf("cancellation requested for %s%n", workflowId);
        }
        return SaesplitCommand.OK;
    }
}
