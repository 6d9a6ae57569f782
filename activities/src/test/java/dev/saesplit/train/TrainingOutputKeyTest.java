package dev.saesplit.train;

import dev.saesplit.spec.TrainingSpec;
import org.junit.jupiter.api.Test;

import static dev.saesplit.artifact.KeyFixtures.activations;
import static dev.saesplit.artifact.KeyFixtures.assertInKey;
import static dev.saesplit.artifact.KeyFixtures.assertNotInKey;
import static dev.saesplit.artifact.KeyFixtures.filtered;
import static dev.saesplit.artifact.KeyFixtures.sae;

class TrainingOutputKeyTest {

    private static final TrainingSpec T = new TrainingSpec(256, 1e-3, 1.0, 5, 6, 7, 10, 5);

    private static TrainRequest request(String experiment, String initial, String data, String filter,
                                        TrainingSpec training, long tokens, long seed, int zero) {
        return new TrainRequest(experiment, "row-" + experiment, sae(initial, experiment),
                activations(data, experiment, 1000), filter == null ? null : filtered(filter, experiment), training,
                tokens, seed, zero);
    }

    private static String key(TrainRequest r) {
        return TrainingActivitiesImpl.outputKey(r);
    }

    @Test
    void theKeyCoversInputsContentsSettingsThatReachTheWeightsTokensSeedAndZeroedLatent() {
        String base = key(request("e", "init", "data", "kept", T, 10_000, 1, -1));

        assertInKey(base, key(request("e", "init2", "data", "kept", T, 10_000, 1, -1)), "initial SAE content");
        assertInKey(base, key(request("e", "init", "data2", "kept", T, 10_000, 1, -1)), "activations content");
        assertInKey(base, key(request("e", "init", "data", "kept2", T, 10_000, 1, -1)), "filtered rows");
        assertInKey(base, key(request("e", "init", "data", null, T, 10_000, 1, -1)), "all data vs filtered");
        assertInKey(base, key(request("e", "init", "data", "kept", T, 20_000, 1, -1)), "tokens");
        assertInKey(base, key(request("e", "init", "data", "kept", T, 10_000, 2, -1)), "seed");
        assertInKey(base, key(request("e", "init", "data", "kept", T, 10_000, 1, 5)), "zeroed latent");
        String[] fields = {"batch_size", "learning_rate", "sparsity_coefficient", "lr_warmup_steps",
                "l1_warmup_steps", "lr_decay_steps"};
        TrainingSpec[] changed = {
                new TrainingSpec(512, 1e-3, 1.0, 5, 6, 7, 10, 5),
                new TrainingSpec(256, 2e-3, 1.0, 5, 6, 7, 10, 5),
                new TrainingSpec(256, 1e-3, 2.0, 5, 6, 7, 10, 5),
                new TrainingSpec(256, 1e-3, 1.0, 9, 6, 7, 10, 5),
                new TrainingSpec(256, 1e-3, 1.0, 5, 9, 7, 10, 5),
                new TrainingSpec(256, 1e-3, 1.0, 5, 6, 9, 10, 5)};
        for (int i = 0; i < fields.length; i++) {
            assertInKey(base, key(request("e", "init", "data", "kept", changed[i], 10_000, 1, -1)), fields[i]);
        }
    }

    @Test
    void checkpointAndLogIntervalsAndWhoAskedAreNotInTheKey() {
        String base = key(request("e", "init", "data", "kept", T, 10_000, 1, -1));

        assertNotInKey(base, key(request("e", "init", "data", "kept", new TrainingSpec(256, 1e-3, 1.0, 5, 6, 7, 99, 5),
                10_000, 1, -1)), "checkpoint_every");
        assertNotInKey(base, key(request("e", "init", "data", "kept", new TrainingSpec(256, 1e-3, 1.0, 5, 6, 7, 10, 99),
                10_000, 1, -1)), "log_every");
        assertNotInKey(base, key(request("other", "init", "data", "kept", T, 10_000, 1, -1)),
                "experiment, row id and where the inputs are stored");
    }
}
