package dev.saesplit.airflow;

/** Airflow refused the credentials saesplit was given: a user's configuration to fix, not a fault to retry. */
public final class AirflowAuthenticationException extends RuntimeException {

    public AirflowAuthenticationException(String message) {
        super(message);
    }
}
