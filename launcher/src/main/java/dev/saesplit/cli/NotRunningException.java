package dev.saesplit.cli;

/** The named experiment or row has no running workflow. */
final class NotRunningException extends RuntimeException {

    NotRunningException(String workflowId) {
        super("nothing is running as " + workflowId + "; 'saesplit status' shows what is");
    }
}
