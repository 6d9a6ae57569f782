package dev.saesplit.train;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.SharedDirectory;
import dev.saesplit.artifact.SharedStorage;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.TrainingSpec;
import dev.saesplit.store.ClosedAfterEach;
import dev.saesplit.store.MetricsRecorder;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows trained together as Temporal runs the activity: a worker killed after a group checkpoint is retried with the
 * last heartbeat's details, every unfinished row continues from that one checkpoint, a row finished before it is not
 * retrained, and every row ends with the weights of the uninterrupted group.
 */
class GroupTrainingResumeTest {

    private static final String SPEC = TrainingWorkspace.oneRowSpec("grid", "20k", "10k");
    private static final TrainingSpec TRAINING = new TrainingSpec(256, 1e-3, 1.0, 5, 5, 0, 10, 5, true);
    private static final long STREAM_SEED = 5;
    /** Row, width, seed, steps: b finishes before the worker dies at step 30, a and c after. */
    private static final List<Object[]> ROWS = List.of(
            new Object[] {"a", 24, 5L, 60L}, new Object[] {"b", 32, 6L, 20L}, new Object[] {"c", 24, 7L, 45L});

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();

    @Test
    void aWorkerKilledMidGridResumesEveryRowFromTheGroupCheckpointBitwise() throws Exception {
        List<SaeWeights> uninterrupted = uninterruptedWeights();

        Workspace workspace = new Workspace();
        AtomicReference<CheckpointInfo> crashedAfter = new AtomicReference<>();
        TestActivityEnvironment first = opened.environment(workspace.crashingAfterCheckpoint(30, crashedAfter));
        RuntimeException stopped = assertThrows(RuntimeException.class,
                () -> first.newActivityStub(TrainingActivities.class).trainTogether(workspace.request()));
        assertTrue(String.valueOf(stopped.getCause()).contains(DyingWorker.DEATH), stopped.toString());
        List<Long> stepsBeforeRetry = workspace.metricSteps("b", "train/loss");

        TestActivityEnvironment retry = opened.environment(workspace.activities);
        retry.setHeartbeatDetails(new GroupTrainingHeartbeat(30, crashedAfter.get().directory().toString(),
                java.util.Map.of()));
        List<SaeRef> resumed = retry.newActivityStub(TrainingActivities.class).trainTogether(workspace.request());

        List<SaeWeights> after = weights(workspace.store, resumed);
        for (int i = 0; i < ROWS.size(); i++) {
            assertTrue(after.get(i).bitwiseEquals(uninterrupted.get(i)),
                    "row " + ROWS.get(i)[0] + " differs from the uninterrupted group's");
        }
        assertEquals(List.of(30L), workspace.metricSteps("a", "train/resumed_from_step"));
        assertEquals(List.of(30L), workspace.metricSteps("c", "train/resumed_from_step"));
        assertEquals(List.of(), workspace.metricSteps("b", "train/resumed_from_step"), "b finished before the kill");
        assertEquals(stepsBeforeRetry, workspace.metricSteps("b", "train/loss"), "b is not retrained");
        assertEquals(30 + TRAINING.logEvery(), workspace.metricSteps("a", "train/loss").stream()
                .filter(step -> step > 30).findFirst().orElseThrow(), "nothing before the checkpoint is redone");
    }

    @Test
    void aRetryOnAnotherMachineResumesEveryRowFromTheGroupCheckpointPublishedToTheSharedStore() throws Exception {
        List<SaeWeights> uninterrupted = uninterruptedWeights();
        Path sharedDirectory = opened.stateDir();
        Workspace workspace = new Workspace(new SharedDirectory(sharedDirectory));
        TestActivityEnvironment first = opened.environment(workspace.crashingAfterCheckpoint(40));
        assertThrows(RuntimeException.class,
                () -> first.newActivityStub(TrainingActivities.class).trainTogether(workspace.request()));

        ArtifactStore otherMachine = new ArtifactStore(opened.stateDir(), workspace.database.dataSource(),
                new SharedDirectory(sharedDirectory), 1L << 30);
        List<SaeRef> resumed = opened.environment(new TrainingActivitiesImpl(otherMachine,
                new MetricsRecorder(workspace.database.dataSource()))).newActivityStub(TrainingActivities.class)
                .trainTogether(workspace.request());

        List<SaeWeights> after = weights(otherMachine, resumed);
        for (int i = 0; i < ROWS.size(); i++) {
            assertTrue(after.get(i).bitwiseEquals(uninterrupted.get(i)),
                    "row " + ROWS.get(i)[0] + " resumed from the published group checkpoint differs");
        }
        assertEquals(List.of(40L), workspace.metricSteps("a", "train/resumed_from_step"));
        assertEquals(List.of(40L), workspace.metricSteps("c", "train/resumed_from_step"));
    }

    @Test
    void aGroupedRowIsStoredApartFromTheSameRowTrainedAlone() throws Exception {
        Workspace workspace = new Workspace();
        TrainRequest row = workspace.request().rows().get(0);

        assertNotEquals(TrainingActivitiesImpl.outputKey(row), TrainingActivitiesImpl.groupedOutputKey(row, row.seed()));
        assertNotEquals(TrainingActivitiesImpl.groupedOutputKey(row, row.seed()),
                TrainingActivitiesImpl.groupedOutputKey(row, row.seed() + 1), "the group's stream seed is in the key");
    }

    @Test
    void rowsOfDifferentDataSelectionsAreRefusedAsBadInput() throws Exception {
        Workspace workspace = new Workspace();
        GroupTrainRequest request = workspace.request();
        TrainRequest other = request.rows().get(1);
        TrainRequest mismatched = new TrainRequest(other.experiment(), other.runId(), other.initial(), other.data(),
                other.filtered(), new TrainingSpec(128, 1e-3, 1.0, 5, 5, 0, 10, 5, true), other.tokens(),
                other.seed(), other.zeroLatent());

        UngroupableRowsException e = assertThrows(UngroupableRowsException.class, () -> GroupTraining.requireGroupable(
                new GroupTrainRequest("grid", STREAM_SEED, List.of(request.rows().get(0), mismatched))));
        assertTrue(e.getMessage().contains("training.batch_size"), e.getMessage());
    }

    /** Every row's weights after the group trains, uninterrupted, in a workspace of its own. */
    private List<SaeWeights> uninterruptedWeights() throws Exception {
        Workspace reference = new Workspace();
        return weights(reference.store, opened.environment(reference.activities)
                .newActivityStub(TrainingActivities.class).trainTogether(reference.request()));
    }

    private static List<SaeWeights> weights(ArtifactStore store, List<SaeRef> trained) {
        return trained.stream().map(r -> SaeLensFormat.read(store.localCopy(r.artifact()))).toList();
    }

    /** A workspace of its own, with the rows initialised. */
    private final class Workspace extends TrainingWorkspace {
        final List<SaeRef> initial = new ArrayList<>();
        final TrainingActivitiesImpl activities;

        Workspace() throws Exception {
            this(null);
        }

        /** As above, publishing to {@code shared} when it is given. */
        Workspace(SharedStorage shared) throws Exception {
            super(opened, SPEC, null, shared);
            for (Object[] row : ROWS) {
                initial.add(initialise((String) row[0], (int) row[1], (long) row[2]));
            }
            activities = activities();
        }

        GroupTrainRequest request() {
            List<TrainRequest> rows = new ArrayList<>();
            for (int i = 0; i < ROWS.size(); i++) {
                Object[] row = ROWS.get(i);
                rows.add(new TrainRequest("grid", (String) row[0], initial.get(i), data, null, TRAINING,
                        TRAINING.batchSize() * (long) row[3], (long) row[2], -1));
            }
            return new GroupTrainRequest("grid", STREAM_SEED, rows);
        }
    }
}
