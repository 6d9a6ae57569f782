package dev.saesplit.pipeline;

/**
 * Marks an exception caused by infrastructure (a database, server or disk that is unavailable for now), not by
 * the input or the code. Waiting can fix it, so the activity is retried with backoff for as long as it takes.
 */
public interface InfrastructureFault {
}
