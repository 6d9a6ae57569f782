package dev.saesplit.upstream;

import dev.saesplit.pipeline.InfrastructureFault;

/** Airflow is unreachable or failing for now: the activity is retried, and re-attaches to its DAG run. */
public final class AirflowDownException extends RuntimeException implements InfrastructureFault {

    public AirflowDownException(String message, Throwable cause) {
        super(message, cause);
    }
}
