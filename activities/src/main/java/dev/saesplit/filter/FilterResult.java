package dev.saesplit.filter;

import java.nio.file.Path;

/**
 * The output of a filter pass.
 *
 * @param keptRowsFile   int64 .npy of the kept rows' indices in the source, ascending
 * @param statisticsFile the statistics as JSON
 * @param statistics     the statistics
 */
public record FilterResult(Path keptRowsFile, Path statisticsFile, FilterStatistics statistics) {
}
