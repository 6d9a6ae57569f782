package dev.saesplit.train;

import dev.saesplit.pipeline.SaeRef;
import io.temporal.activity.ActivityInterface;

import java.util.List;

/** Trains SAEs: long-running, heartbeating, checkpointing, resumable on any worker. */
@ActivityInterface
public interface TrainingActivities {

    SaeRef train(TrainRequest request);

    /**
     * Trains the group's rows in lockstep from one data stream, each batch read once for all of them; returns
     * each row's trained SAE, in the request's order. One checkpoint holds every unfinished row at the same step,
     * and a retry resumes all of them from it; a row already trained (in this group's data order) is not retrained.
     */
    List<SaeRef> trainTogether(GroupTrainRequest request);
}
