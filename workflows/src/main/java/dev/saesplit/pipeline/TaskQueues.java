package dev.saesplit.pipeline;

import java.util.List;

/** Task queues: training goes to {@code gpu}, everything else to {@code cpu}; one worker may poll both. */
public final class TaskQueues {

    public static final String CPU = "saesplit-cpu";
    public static final String GPU = "saesplit-gpu";

    private TaskQueues() {
    }

    /** The queue for a name used on the command line ({@code cpu} or {@code gpu}). */
    public static String named(String shortName) {
        return switch (shortName) {
            case "cpu" -> CPU;
            case "gpu" -> GPU;
            default -> throw new IllegalArgumentException("unknown queue '" + shortName + "'; expected cpu or gpu");
        };
    }

    public static List<String> all() {
        return List.of(CPU, GPU);
    }
}
