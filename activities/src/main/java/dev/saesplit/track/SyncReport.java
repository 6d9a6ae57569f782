package dev.saesplit.track;

import java.util.Optional;

/**
 * What one sync did.
 *
 * @param delivered   metric points and outbox entries delivered
 * @param pending     what still waits in PostgreSQL
 * @param unavailable why the tracking server could not be reached, if it could not
 */
public record SyncReport(long delivered, long pending, Optional<String> unavailable) {
}
