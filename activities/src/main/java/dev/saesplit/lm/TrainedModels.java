package dev.saesplit.lm;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.spec.ActivationSourceSpec;

/**
 * Where an activity reads a language model that the experiment trained: the workflow hands the model on as an
 * artifact reference, and each activity that needs its files takes this machine's copy, checked against its
 * content hash, so a worker on a machine other than the one that trained it reads the same weights.
 */
public final class TrainedModels {

    private TrainedModels() {
    }

    /** {@code spec} reading its trained model from this machine's copy; {@code spec} itself when none was trained. */
    public static ActivationSourceSpec.Model local(ActivationSourceSpec.Model spec, ArtifactStore store) {
        return spec.trained() == null ? spec : spec.localised(store.localCopy(spec.trained()));
    }
}
