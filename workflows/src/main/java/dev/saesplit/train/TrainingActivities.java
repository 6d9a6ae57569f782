package dev.saesplit.train;

import dev.saesplit.pipeline.SaeRef;
import io.temporal.activity.ActivityInterface;

/** Trains an SAE: long-running, heartbeating, checkpointing, resumable on any worker. */
@ActivityInterface
public interface TrainingActivities {

    SaeRef train(TrainRequest request);
}
