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
import dev.saesplit.store.TestPostgres;
import io.temporal.testing.TestActivityEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The training activity as Temporal runs it: an attempt stopped after a checkpoint is retried with the last
 * heartbeat's details, continues from that checkpoint, and ends with the weights of an uninterrupted run.
 */
class TrainingActivityResumeTest {

    private static final String SPEC = TrainingWorkspace.oneRowSpec("resume", "20k", "10k");
    private static final TrainingSpec TRAINING = new TrainingSpec(256, 1e-3, 1.0, 5, 5, 0, 10, 5);
    private static final long TOKENS = 256 * 60; // 60 steps, checkpoints every 10

    @RegisterExtension
    final ClosedAfterEach opened = new ClosedAfterEach();

    @Test
    void aRetriedAttemptResumesFromItsHeartbeatedCheckpointAndEndsWithTheUninterruptedWeights() throws Exception {
        SaeWeights uninterrupted = SaeLensFormat.read(ArtifactStore.directory(
                train(new Workspace(), null).artifact()));

        Workspace workspace = new Workspace();
        AtomicReference<CheckpointInfo> crashedAfter = new AtomicReference<>();
        TestActivityEnvironment first = opened.environment(workspace.crashingAfterCheckpoint(30, crashedAfter));
        RuntimeException stopped = assertThrows(RuntimeException.class,
                () -> first.newActivityStub(TrainingActivities.class).train(workspace.request()));
        assertTrue(String.valueOf(stopped.getCause()).contains(DyingWorker.DEATH), stopped.toString());
        // The retry runs "elsewhere": only the heartbeated checkpoint, in shared storage, is left to find.
        Path shared = workspace.moveAway(crashedAfter.get().directory());
        TrainingHeartbeat last = new TrainingHeartbeat(crashedAfter.get().step(), shared.toString());

        SaeRef resumed = train(workspace, last);

        assertTrue(SaeLensFormat.read(ArtifactStore.directory(resumed.artifact())).bitwiseEquals(uninterrupted),
                "resumed weights differ from the uninterrupted run's");
        assertEquals(List.of(30L), workspace.metricSteps("train/resumed_from_step"));
        assertEquals(30 + TRAINING.logEvery(), workspace.metricSteps("train/loss").stream()
                .filter(step -> step > 30).findFirst().orElseThrow(), "nothing before the checkpoint is redone");
    }

    @Test
    void withoutHeartbeatDetailsARetryResumesFromTheNewestCheckpointOnDisk() throws Exception {
        SaeWeights uninterrupted = SaeLensFormat.read(ArtifactStore.directory(
                train(new Workspace(), null).artifact()));
        Workspace workspace = new Workspace();
        TestActivityEnvironment first = opened.environment(workspace.crashingAfterCheckpoint(40));
        assertThrows(RuntimeException.class,
                () -> first.newActivityStub(TrainingActivities.class).train(workspace.request()));

        SaeRef resumed = train(workspace, null);

        assertEquals(List.of(40L), workspace.metricSteps("train/resumed_from_step"));
        assertTrue(SaeLensFormat.read(ArtifactStore.directory(resumed.artifact())).bitwiseEquals(uninterrupted));
    }

    @Test
    void aRetryOnAnotherMachineWithAnEmptyHomeResumesFromTheCheckpointPublishedToTheSharedStore() throws Exception {
        SaeWeights uninterrupted = SaeLensFormat.read(ArtifactStore.directory(
                train(new Workspace(), null).artifact()));
        Path sharedDirectory = opened.stateDir();
        Workspace workspace = new Workspace(new SharedDirectory(sharedDirectory));
        TestActivityEnvironment first = opened.environment(workspace.crashingAfterCheckpoint(40));
        assertThrows(RuntimeException.class,
                () -> first.newActivityStub(TrainingActivities.class).train(workspace.request()));

        ArtifactStore otherMachine = new ArtifactStore(opened.stateDir(), workspace.database.dataSource(),
                new SharedDirectory(sharedDirectory), 1L << 30);
        TestActivityEnvironment retry = opened.environment(new TrainingActivitiesImpl(otherMachine,
                new MetricsRecorder(workspace.database.dataSource())));
        SaeRef resumed = retry.newActivityStub(TrainingActivities.class).train(workspace.request());

        assertEquals(List.of(40L), workspace.metricSteps("train/resumed_from_step"));
        assertTrue(SaeLensFormat.read(otherMachine.localCopy(resumed.artifact())).bitwiseEquals(uninterrupted),
                "weights resumed from the published checkpoint differ from the uninterrupted run's");
        assertTrue(otherMachine.publishedCheckpoints(TrainingActivitiesImpl.KIND,
                        TrainingActivitiesImpl.outputKey(workspace.request()), 2).orElseThrow().latest().isEmpty(),
                "a finished training withdraws its published checkpoints");
    }

    private SaeRef train(Workspace workspace, TrainingHeartbeat previousAttempt) {
        TestActivityEnvironment env = opened.environment(workspace.activities);
        if (previousAttempt != null) {
            env.setHeartbeatDetails(previousAttempt);
        }
        return env.newActivityStub(TrainingActivities.class).train(workspace.request());
    }

    /** A workspace of its own, with row {@code a} initialised. */
    private final class Workspace extends TrainingWorkspace {
        final SaeRef initial;
        final TrainingActivitiesImpl activities;

        Workspace() throws Exception {
            this(null);
        }

        /** As above, publishing to {@code shared} when it is given. */
        Workspace(SharedStorage shared) throws Exception {
            super(opened, SPEC, null, shared);
            initial = initialise("a", 24, 5);
            activities = activities();
        }

        /** Moves a checkpoint out of the work directory and deletes the checkpoints left there. */
        Path moveAway(Path checkpoint) throws java.io.IOException {
            Path shared = opened.stateDir().resolve("shared-checkpoint");
            java.nio.file.Files.move(checkpoint, shared);
            TestPostgres.deleteQuietly(checkpoint.getParent());
            return shared;
        }

        TrainRequest request() {
            return new TrainRequest("resume", "a", initial, data, null, TRAINING, TOKENS, 5, -1);
        }

        List<Long> metricSteps(String key) {
            return metricSteps("a", key);
        }
    }
}
