package dev.saesplit.train;

import java.util.List;

/**
 * Several rows trained together from one data stream: the stream is read once per batch and every row's trainer
 * steps on it. The rows share their data (the activations and, if any, the filtered selection) and the settings
 * that shape batches; their token budgets may differ (a row stops at its budget, the group runs to the largest).
 *
 * @param experiment the experiment, for provenance and tracking
 * @param streamSeed seeds the group's one data order; each row's {@link TrainRequest#seed()} still seeds its own
 *                   trainer (its initialisation was seeded before, by its own initialise call)
 * @param rows       the rows, each as it would be trained alone
 */
public record GroupTrainRequest(String experiment, long streamSeed, List<TrainRequest> rows) {

    public GroupTrainRequest {
        rows = List.copyOf(rows);
    }
}
