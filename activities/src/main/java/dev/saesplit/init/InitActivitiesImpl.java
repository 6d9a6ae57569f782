package dev.saesplit.init;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.read.StageInputs;
import dev.saesplit.sae.KaimingInitializer;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.StandardArchitecture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Initialises SAEs (configurations I and II) and registers existing ones (SAELens directories, or 1L-Sparse-Autoencoder
 * files, converted), as SAELens-layout artifacts.
 */
public final class InitActivitiesImpl implements InitActivities {

    /** 2: cfg.json names its SAELens version; a wide SAE's config is that of an SAE trained here. */
    static final int CODE_VERSION = 2;
    static final String KIND = "sae";
    /** log10 of a firing frequency of zero, as SAELens stores it for latents that never fired. */
    private static final float NEVER_FIRED = -10f;

    private final ArtifactStore store;

    public InitActivitiesImpl(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public SaeRef initialise(InitRequest r) {
        String key = outputKey(r);
        ArtifactRef ref = store.getOrProduce(KIND, key, new Provenance("init", r.experiment(), r.runId()), dir -> {
            Optional<SaeWeights> narrow = Optional.ofNullable(r.narrow())
                    .map(n -> StageInputs.of(store).sae(n).withDecoderNormsFolded());
            SaeConfig inherited = narrow.map(n -> n.config().withDSae(r.width()).forTraining()).orElseGet(() ->
                    SaeConfig.of(r.data().dIn(), r.width(), new StandardArchitecture(), r.data().model(),
                            r.data().hook()));
            // A row that names no architecture keeps the narrow SAE's, as rows did before architectures existed.
            SaeConfig config = r.architecture() == null ? inherited
                    : inherited.withArchitecture(RowArchitectures.forTraining(r.architecture()));
            SaeWeights weights = SaeInitializer.initialize(config, r.init(), r.normalised(), narrow,
                    KaimingInitializer.DEFAULT_DECODER_NORM, r.seed());
            float[] neverFired = new float[r.width()];
            Arrays.fill(neverFired, NEVER_FIRED);
            SaeLensFormat.write(dir, weights, neverFired);
        });
        return new SaeRef(ref, r.data().dIn(), r.width());
    }

    /**
     * Everything that determines the initial weights and their {@code cfg.json}: the activations' width, model and
     * hook (not their content), the row's width, seed and init, and the narrow SAE's content.
     */
    static String outputKey(InitRequest r) {
        String narrowHash = r.narrow() == null ? "" : r.narrow().artifact().contentHash();
        List<Object> inputs = new ArrayList<>(List.of(r.data().dIn(), r.data().model(), r.data().hook(), r.width(),
                r.seed(), r.init(), r.normalised(), narrowHash, KaimingInitializer.DEFAULT_DECODER_NORM));
        if (r.architecture() != null) {
            inputs.add(r.architecture()); // only where a row names one, so every earlier row keeps its key
        }
        return OutputKey.of("sae-init", CODE_VERSION, inputs.toArray());
    }

    @Override
    public SaeRef registerExisting(String experiment, String path, ActivationsRef data) {
        return new ExistingSaeImport(store).register(experiment, "", Path.of(path), data);
    }

    @Override
    public SaeRef importForRow(String experiment, String runId, String path, ActivationsRef data) {
        return new ExistingSaeImport(store).register(experiment, runId, Path.of(path), data);
    }
}
