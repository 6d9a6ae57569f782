package dev.saesplit.evaluate;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.cache.ActivationSources;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.sae.DecoderCosines;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.worker.ActivityHeartbeat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The basic evaluation of a trained row: reconstruction and sparsity on a fixed sample, the wide latents'
 * closeness to the target, and the split judgement. Results are artifacts too, so re-running a finished
 * experiment does not evaluate again.
 */
public final class EvaluationActivitiesImpl implements EvaluationActivities {

    static final int CODE_VERSION = 1;
    static final String KIND = "evaluation";
    static final String REPORT = "evaluation.json";
    /** Tokens of the evaluation sample. */
    static final long SAMPLE_TOKENS = 65_536;

    private final ArtifactStore store;

    public EvaluationActivitiesImpl(ArtifactStore store) {
        this.store = store;
    }

    @Override
    public EvaluationResult evaluate(EvaluationRequest r) {
        String key = OutputKey.of("evaluate", CODE_VERSION, r.wide().artifact().contentHash(),
                r.narrow().artifact().contentHash(), r.targetLatent(), r.data().artifact().contentHash(),
                r.criteria(), SAMPLE_TOKENS);
        ArtifactRef ref;
        try (ActivityHeartbeat ignored = ActivityHeartbeat.start(null)) {
            ref = store.getOrProduce(KIND, key, new Provenance("evaluate", r.experiment(), r.runId()),
                    dir -> JsonArtifacts.write(dir.resolve(REPORT), measure(r)));
        }
        return JsonArtifacts.read(ArtifactStore.directory(ref).resolve(REPORT), EvaluationResult.class);
    }

    private static EvaluationResult measure(EvaluationRequest r) {
        SaeWeights wide = SaeLensFormat.read(ArtifactStore.directory(r.wide().artifact()));
        SaeWeights narrow = SaeLensFormat.read(ArtifactStore.directory(r.narrow().artifact()));
        float[] target = narrow.decoderRow(r.targetLatent());
        ReconstructionStats stats;
        try (ActivationSource data = ActivationSources.open(r.data())) {
            stats = ReconstructionStats.measure(wide, data, SAMPLE_TOKENS);
        }
        double best = DecoderCosines.best(wide, target).cosine();
        SplitJudgement split = SplitJudgement.judge(wide, target, stats.deadLatents(), r.criteria(),
                groundTruth(ActivationSources.groundTruthDirectory(r.data())));
        return new EvaluationResult(stats.mse(), stats.explainedVariance(), stats.l0(), stats.deadFraction(), best,
                split.children(), split.outcome(), split.detail());
    }

    private static Optional<GroundTruth> groundTruth(Path dataDirectory) {
        return Files.exists(dataDirectory.resolve("ground_truth.json"))
                ? Optional.of(GroundTruth.load(dataDirectory)) : Optional.empty();
    }
}
