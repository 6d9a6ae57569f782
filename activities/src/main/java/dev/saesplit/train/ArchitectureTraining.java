package dev.saesplit.train;

import ai.djl.ndarray.NDArray;
import dev.saesplit.sae.BatchTopKArchitecture;
import dev.saesplit.sae.JumpReLUArchitecture;
import dev.saesplit.sae.MatryoshkaBatchTopKArchitecture;
import dev.saesplit.sae.SaeArchitecture;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import java.util.Map;

/**
 * What an architecture adds to a training step beyond the reconstruction loss (and the L1 penalty) that ReLU and
 * TopK SAEs train on: its own activation over the batch, extra loss terms with their gradients, state kept from
 * step to step and checkpointed, and the form its SAE is saved in for inference. One instance per trainer; the
 * architectures without any of these ({@link #plain}) are the ones the sparse step covers.
 */
interface ArchitectureTraining {

    /**
     * The training parts of {@code architecture}'s SAEs of {@code dSae} latents.
     *
     * @param deadFeatureWindow steps of silence after which AuxK counts a latent dead
     */
    static ArchitectureTraining of(SaeArchitecture architecture, int dSae, int deadFeatureWindow) {
        if (architecture instanceof BatchTopKArchitecture batchTopK) {
            return new BatchTopKTraining(batchTopK, deadFeatureWindow);
        }
        if (architecture instanceof MatryoshkaBatchTopKArchitecture matryoshka) {
            matryoshka.requireFits(dSae);
            return new MatryoshkaTraining(matryoshka, deadFeatureWindow);
        }
        if (architecture instanceof JumpReLUArchitecture jumpReLU) {
            return new JumpReLUTraining(jumpReLU);
        }
        return new Plain(architecture);
    }

    /** Whether the step is the plain reconstruction loss with the architecture's own activation. */
    default boolean plain() {
        return false;
    }

    /**
     * Called before each step with the trainer's firing counts (AuxK's dead latents) and parameters (JumpReLU's
     * threshold projection).
     */
    default void beforeStep(FiringTracker firing, SparseAutoencoder sae) {
    }

    /**
     * The latents the decoder reads {@code [tokens, d_sae]}, {@code >= 0} and active exactly where {@code > 0}, for
     * the batch's pre-activations {@code pre} ({@code b_enc} added). {@code pre} stays the caller's; both live until
     * the step's scope closes.
     */
    NDArray activate(NDArray pre, SparseAutoencoder sae);

    /**
     * Whether the sparse step covers this architecture: the plain ones through their firing pairs, others through
     * {@link #selectPairs}.
     */
    default boolean sparseCovers() {
        return plain();
    }

    /**
     * For a non-plain architecture the sparse step covers: this step's firing pairs into {@code firing} (values as
     * decoded) and the pairs its own terms work on into {@code extra} (AuxK's dead latents, JumpReLU's estimator
     * band), from the batch's pre-activations {@code pre}, updating its state as {@link #activate} would; false, with
     * nothing changed, where the pairs would be more than {@code maxPairs}. Latent {@code excluded} (the zero-target
     * latent, or -1) is left out of the firing pairs.
     */
    default boolean selectPairs(NDArray pre, SparseAutoencoder sae, ActiveLatents firing, ActiveLatents extra,
                                long maxPairs, int excluded) {
        return false;
    }

    /**
     * The sparse step's counterpart of {@link #addTerms}: adds this architecture's terms over the {@code extra} pairs
     * of {@link #selectPairs} to the main pairs' {@code backward}, through {@code sparse}; returns the result.
     */
    default AnalyticBackprop.Backward addSparseTerms(SparseBackward sparse, ActiveLatents extra,
                                                     AnalyticBackprop.Backward backward, double sparsityCoefficient) {
        return backward;
    }

    /** Adds the architecture's loss terms to the step's gradients; see {@link DenseTerms}. */
    default void addTerms(DenseTerms step) {
    }

    /** Scalars the next steps depend on (BatchTopK's threshold estimate), by name, for a checkpoint. */
    default Map<String, Double> exportState() {
        return Map.of();
    }

    /** Restores what {@link #exportState} gave; a missing name is refused. */
    default void restoreState(Map<String, Double> state) {
    }

    /** The trained weights as the SAE is saved for inference (BatchTopK: a JumpReLU SAE). */
    default SaeWeights forInference(SaeWeights trained) {
        return trained;
    }

    /** ReLU, TopK: the architecture's activation and nothing else. */
    record Plain(SaeArchitecture architecture) implements ArchitectureTraining {

        @Override
        public boolean plain() {
            return true;
        }

        @Override
        public NDArray activate(NDArray pre, SparseAutoencoder sae) {
            return architecture.activate(pre.duplicate());
        }
    }
}
