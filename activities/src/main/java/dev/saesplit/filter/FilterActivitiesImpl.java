package dev.saesplit.filter;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.TokenedActivationSource;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.lm.TrainedModels;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.pipeline.ActivationsRef;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.pipeline.FilteredDataRef;
import dev.saesplit.pipeline.SaeRef;
import dev.saesplit.read.StageInputs;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.TargetLatent;
import dev.saesplit.store.MetricsRecorder;
import dev.saesplit.worker.ScanHeartbeat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Resolves the target latent and selects the tokens where it fires. */
public final class FilterActivitiesImpl implements FilterActivities {

    /** 2: selects among the training rows only (see HeldOutSplit). */
    static final int CODE_VERSION = 2;
    static final String KIND = "filtered";

    /** The experiment-level metrics a filter pass records (run "" of the experiment). */
    public static final String TOKENS_SCANNED = "filter/tokens_scanned";
    public static final String TOKENS_KEPT = "filter/tokens_kept";
    public static final String KEPT_FRACTION = "filter/kept_fraction";

    private final ArtifactStore store;
    private final MetricsRecorder metrics;

    public FilterActivitiesImpl(ArtifactStore store, MetricsRecorder metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public int resolveTarget(ActivationsRef data, SaeRef narrow, TargetLatent target) {
        if (target instanceof TargetLatent.Index index) {
            if (index.value() >= narrow.width()) {
                throw new TargetLatentException("target_latent " + index.value() + " does not exist: the narrow SAE "
                        + "has " + narrow.width() + " latents");
            }
            return index.value();
        }
        int parent = ((TargetLatent.MatchingParent) target).parent();
        Path dir = store.localCopy(data.artifact());
        if (!Files.exists(dir.resolve("ground_truth.json"))) {
            throw new TargetLatentException("target_latent {parent: " + parent + "} needs a ground truth (a synthetic "
                    + "source's, or ground_truth.json beside npy files), which the activations in " + dir
                    + " do not have");
        }
        GroundTruth truth = GroundTruth.load(dir);
        float[] direction = truth.direction(truth.parents().get(parent).feature());
        SaeWeights weights = StageInputs.of(store).sae(narrow);
        return DecoderCosines.best(weights, direction).latent();
    }

    @Override
    public TokenTarget chooseTokenTarget(String experiment, ActivationsRef data, SaeRef narrow, String token,
                                         ActivationSourceSpec.Model given) {
        ActivationSourceSpec.Model source = TrainedModels.local(given, store);
        if (source.tokenizer() == null) {
            throw new TargetLatentException("target_latent {token: \"" + token + "\"} needs the model's tokenizer: "
                    + "set activations.tokenizer");
        }
        TokenTarget chosen;
        Path activations = store.localCopy(data.artifact());
        try (ScanHeartbeat heartbeat = ScanHeartbeat.start("opening the activations");
             Tokenizer tokenizer = Tokenizers.open(source.tokenizer());
             TokenedActivationSource cache = StageInputs.tokenedActivations(activations).orElseThrow(() ->
                     new TargetLatentException("target_latent {token: ...} needs activations cached from a language "
                             + "model, with the token of every row")
             );
             ActivationSource training = HeldOutSplit.training(StageInputs.activations(activations))) {
            int tokenId = TokenTargetChooser.tokenId(tokenizer, token);
            SaeWeights weights = StageInputs.of(store).sae(narrow);
            chosen = TokenTargetChooser.choose(heartbeat.counting(training,
                            Math.min(training.tokens(), TokenTargetChooser.MAX_ROWS)), cache.rowTokens().orElseThrow(),
                    weights, token, tokenId, TokenTargetChooser.MAX_ROWS);
        }
        metrics.record(experiment, "", 0, TokenTargetMetrics.of(chosen));
        return chosen;
    }

    /** Everything that determines the kept rows: the activations' and narrow SAE's contents, latent and threshold. */
    static String outputKey(ActivationsRef data, SaeRef narrow, int targetLatent, double threshold) {
        return OutputKey.of("filter", CODE_VERSION, data.artifact().contentHash(), narrow.artifact().contentHash(),
                targetLatent, threshold);
    }

    @Override
    public FilteredDataRef selectFiltered(String experiment, ActivationsRef data, SaeRef narrow, int targetLatent,
                                          double threshold) {
        String key = outputKey(data, narrow, targetLatent, threshold);
        ArtifactRef ref;
        try (ScanHeartbeat heartbeat = ScanHeartbeat.start("opening the activations")) {
            ref = store.getOrProduce(KIND, key, new Provenance("filter", experiment, ""), dir -> {
                SaeWeights weights = StageInputs.of(store).sae(narrow);
                LatentProbe probe = LatentProbe.of(weights, targetLatent);
                try (ActivationSource source = StageInputs.of(store).trainingRows(data)) {
                    new FilteredDataSelector(FilterConfig.withThreshold((float) threshold))
                            .select(heartbeat.counting(source, source.tokens()), probe, dir);
                }
            });
        }
        FilterStatistics stats = JsonArtifacts.read(store.localCopy(ref)
                .resolve(FilterStatistics.FILE_NAME), FilterStatistics.class);
        metrics.record(experiment, "", 0, Map.of(TOKENS_SCANNED, (double) stats.tokensScanned(),
                TOKENS_KEPT, (double) stats.tokensKept(), KEPT_FRACTION, stats.keptFraction()));
        if (stats.tokensKept() == 0) {
            throw new NoTokensKeptException(targetLatent, threshold, stats.tokensScanned());
        }
        return new FilteredDataRef(ref, targetLatent, stats.tokensScanned(), stats.tokensKept());
    }
}
