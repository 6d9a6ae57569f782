package dev.saesplit.train;

import dev.saesplit.pipeline.TrainingProgress;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the activity that trains several rows together heartbeats: the group checkpoint a retry resumes every
 * unfinished row from, and each row's progress, for its progress line. Like {@link TrainingHeartbeat}, it lives in
 * the server's state of the pending activity, never in workflow history.
 *
 * @param step       the group checkpoint's step; 0 before the first
 * @param checkpoint the group checkpoint's directory; empty before the first
 * @param rows       each row's latest progress, by run id, in the request's order
 */
public record GroupTrainingHeartbeat(long step, String checkpoint, Map<String, TrainingProgress> rows) {

    public GroupTrainingHeartbeat {
        rows = rows == null ? Map.of() : new LinkedHashMap<>(rows);
    }

    static GroupTrainingHeartbeat resumedFrom(long step, String checkpoint) {
        return new GroupTrainingHeartbeat(step, checkpoint, Map.of());
    }

    GroupTrainingHeartbeat withProgress(String runId, TrainingProgress progress) {
        Map<String, TrainingProgress> updated = new LinkedHashMap<>(rows);
        updated.put(runId, progress);
        return new GroupTrainingHeartbeat(step, checkpoint, updated);
    }

    GroupTrainingHeartbeat withCheckpoint(CheckpointInfo saved) {
        return new GroupTrainingHeartbeat(saved.step(), saved.directory().toString(), rows);
    }
}
