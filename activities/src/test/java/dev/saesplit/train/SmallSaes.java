package dev.saesplit.train;

import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.ShuffleConfig;
import dev.saesplit.data.ShuffledBatchStream;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.util.Optional;

/** SAEs trained in a test on a small source, from a seed: the settings tests on synthetic data share. */
public final class SmallSaes {

    private SmallSaes() {
    }

    /**
     * A standard SAE of {@code width} latents trained for {@code steps} batches of {@code batch} rows, learning
     * rate 3e-3 after 20 warm-up steps, with {@code sparsity} as the L1 coefficient reached after
     * {@code l1WarmupSteps}.
     */
    public static SaeWeights train(ActivationSource source, int width, int steps, long seed, int batch,
                                   double sparsity, int l1WarmupSteps) {
        return train(source, new StandardArchitecture(), width, steps, seed, batch, sparsity, l1WarmupSteps);
    }

    /**
     * As above for any architecture, saved as it is used (BatchTopK and Matryoshka as JumpReLU); {@code sparsity} is
     * the L1 coefficient of ReLU, JumpReLU's L0 coefficient, and unused by the TopK family.
     */
    public static SaeWeights train(ActivationSource source, SaeArchitecture architecture, int width, int steps,
                                   long seed, int batch, double sparsity, int l1WarmupSteps) {
        int dIn = source.dIn();
        TrainerConfig config = TrainerConfig.builder(steps).learningRate(3e-3).lrWarmupSteps(20)
                .l1WarmupSteps(l1WarmupSteps).sparsityCoefficient(sparsity).logEvery(steps).seed(seed).build();
        SaeWeights initial = KaimingInitializer.initialize(
                SaeConfig.of(dIn, width, architecture, "synthetic", "hierarchy"),
                KaimingInitializer.DEFAULT_DECODER_NORM, seed);
        try (ShuffledBatchStream stream = new ShuffledBatchStream(source, ShuffleConfig.forWidth(batch, seed, dIn));
             SaeTrainer trainer = SaeTrainer.start(config, initial, stream, TrainingListener.NONE, Optional.empty())) {
            trainer.run();
            return trainer.savedWeights();
        }
    }
}
