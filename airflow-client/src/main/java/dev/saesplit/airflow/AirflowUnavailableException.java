package dev.saesplit.airflow;

/** Airflow could not be reached, or kept failing, after the client's retries. */
public final class AirflowUnavailableException extends RuntimeException {

    public AirflowUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
