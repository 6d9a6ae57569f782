package dev.saesplit.spec;

import java.util.Map;

/**
 * An Airflow DAG whose output an experiment's activations are made from ({@code activations.after}): the DAG is
 * run with {@code conf}, and the XCom {@code outputXcom} of its task {@code outputTask} names the dataset.
 */
public record UpstreamDag(String dagId, Map<String, Object> conf, String outputTask, String outputXcom) {

    public UpstreamDag {
        conf = Map.copyOf(conf);
    }
}
