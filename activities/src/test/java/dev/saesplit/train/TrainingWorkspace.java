package dev.saesplit.train;

import dev.saesplit.activations.ActivationActivitiesImpl;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.SharedStorage;
import dev.saesplit.init.InitActivitiesImpl;
import dev.saesplit.init.InitRequest;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.store.ClosedAfterEach;
import dev.saesplit.store.Database;
import dev.saesplit.store.ExperimentStore;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.store.RecordedMetrics;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a training activity test trains: a database and artifact store of its own (publishing to shared storage
 * when given), with the experiment submitted and its activations made.
 */
class TrainingWorkspace {

    final Database database;
    final ArtifactStore store;
    final ActivationsRef data;
    private final String experiment;

    /** Makes the activations of {@code source}, or the spec's own where {@code source} is null. */
    TrainingWorkspace(ClosedAfterEach opened, String yaml, ActivationSourceSpec source, SharedStorage shared)
            throws SpecValidationException {
        database = opened.freshDatabase();
        Path root = opened.stateDir();
        store = shared == null ? new ArtifactStore(root, database.dataSource())
                : new ArtifactStore(root, database.dataSource(), shared, 1L << 30);
        ExperimentSpec spec = SpecParser.parse(yaml, "workspace.yaml", Path.of("."));
        experiment = spec.name();
        new ExperimentStore(database.dataSource()).submit(spec, yaml, experiment + ".yaml");
        data = new ActivationActivitiesImpl(store).ensureActivations(experiment,
                source == null ? spec.activations() : source);
    }

    /**
     * A spec of one row, {@code a}, over synthetic activations of {@code activationTokens} tokens, whose narrow SAE
     * and row each train on {@code budget} tokens.
     */
    static String oneRowSpec(String name, String activationTokens, String budget) {
        return """
                name: %1$s
                activations: {source: synthetic, d_in: 16, features: 48, parents: 2, tokens: %2$s, seed: 3}
                narrow_sae: {width: 8, tokens: %3$s}
                target_latent: 0
                runs:
                  - {id: a, width: 24, seed: 5, init: random, normalised: true, data: all, loss: standard, tokens: %3$s}
                """.formatted(name, activationTokens, budget);
    }

    /** A randomly initialised, normalised SAE for row {@code runId}. */
    SaeRef initialise(String runId, int width, long seed) {
        return new InitActivitiesImpl(store).initialise(new InitRequest(experiment, runId, data, width, seed,
                Init.RANDOM, true, null));
    }

    TrainingActivitiesImpl activities() {
        return new TrainingActivitiesImpl(store, new MetricsRecorder(database.dataSource()));
    }

    /** The training activity on a worker that dies right after completing checkpoint {@code step}. */
    TrainingActivitiesImpl crashingAfterCheckpoint(long step, AtomicReference<CheckpointInfo> crashedAfter) {
        return new TrainingActivitiesImpl(store, new MetricsRecorder(database.dataSource()),
                DyingWorker.afterCheckpoint(step, crashedAfter));
    }

    /** As above, for a test that does not look at the checkpoint. */
    TrainingActivitiesImpl crashingAfterCheckpoint(long step) {
        return crashingAfterCheckpoint(step, new AtomicReference<>());
    }

    /** The steps at which row {@code runId} recorded {@code key}. */
    List<Long> metricSteps(String runId, String key) {
        return new RecordedMetrics(database.dataSource()).curve(experiment, runId, key, key).stream()
                .map(point -> (long) point[0]).toList();
    }
}
