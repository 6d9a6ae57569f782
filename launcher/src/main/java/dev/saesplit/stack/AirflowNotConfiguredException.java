package dev.saesplit.stack;

import dev.saesplit.pipeline.BadInput;

/** A command needs Airflow, and neither {@code AIRFLOW_URL} nor the dev stack's Airflow is there. */
public final class AirflowNotConfiguredException extends RuntimeException implements BadInput {

    public AirflowNotConfiguredException(String message) {
        super(message);
    }
}
