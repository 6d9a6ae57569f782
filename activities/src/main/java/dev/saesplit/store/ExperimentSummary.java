package dev.saesplit.store;

import dev.saesplit.table.RunStatus;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One line of {@code saesplit experiments}.
 *
 * @param name      the experiment's name
 * @param status    where the experiment stands
 * @param runs      rows in its run table
 * @param byStatus  rows per status
 * @param createdAt when it was first submitted
 */
public record ExperimentSummary(String name, RunStatus status, int runs, Map<RunStatus, Integer> byStatus,
                                OffsetDateTime createdAt) {
}
