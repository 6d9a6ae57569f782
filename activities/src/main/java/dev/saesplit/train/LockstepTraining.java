package dev.saesplit.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Steps several trainers in lockstep: every trainer completes step s before any starts step s + 1, so trainers
 * reading views of one {@link dev.saesplit.data.TeeBatchStream} take each batch as it is read, once for all. A
 * trainer leaves the group at its own total; the group runs to the largest. Lockstep changes nothing per trainer:
 * each runs the steps it would run alone, on the batches it would see alone with the same data order.
 */
final class LockstepTraining {

    /** What the group does at each trainer's end and at each checkpoint step. */
    interface Events {

        /** {@code trainer}, the {@code member}-th given, has run all its steps. */
        void finished(int member, SaeTrainer trainer);

        /** Every trainer still running is at {@code step}, a multiple of the checkpoint interval. */
        void checkpoint(long step, Map<Integer, SaeTrainer> running);
    }

    private LockstepTraining() {
    }

    /** Runs {@code trainers}, which must all stand at the same step, to their ends. */
    static void run(List<SaeTrainer> trainers, long checkpointEvery, Events events) {
        Map<Integer, SaeTrainer> running = new LinkedHashMap<>();
        for (int i = 0; i < trainers.size(); i++) {
            running.put(i, trainers.get(i));
        }
        long step = trainers.isEmpty() ? 0 : trainers.get(0).step();
        for (SaeTrainer trainer : trainers) {
            if (trainer.step() != step) {
                throw new IllegalArgumentException("trainers of one group must stand at the same step to run in "
                        + "lockstep, found steps " + step + " and " + trainer.step());
            }
        }
        leaveFinished(running, events);
        while (!running.isEmpty()) {
            step++;
            for (SaeTrainer trainer : running.values()) {
                trainer.runUntil(step);
            }
            leaveFinished(running, events);
            if (step % checkpointEvery == 0 && !running.isEmpty()) {
                events.checkpoint(step, new LinkedHashMap<>(running));
            }
        }
    }

    private static void leaveFinished(Map<Integer, SaeTrainer> running, Events events) {
        running.entrySet().removeIf(member -> {
            SaeTrainer trainer = member.getValue();
            if (trainer.step() < trainer.config().totalSteps()) {
                return false;
            }
            events.finished(member.getKey(), trainer);
            return true;
        });
    }
}
