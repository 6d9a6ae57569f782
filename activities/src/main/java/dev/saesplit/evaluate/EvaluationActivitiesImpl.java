package dev.saesplit.evaluate;

import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.artifact.OutputKey;
import dev.saesplit.artifact.Provenance;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.JsonArtifacts;
import dev.saesplit.pipeline.ArtifactRef;
import dev.saesplit.read.StageInputs;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.worker.ScanHeartbeat;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Evaluates a trained row on the experiment's held-out tokens: reconstruction on all of them and on the target's,
 * and the split by behaviour (see {@link SplitEvaluator}), written as {@code split_report.json}. Results are
 * artifacts too, so re-running a finished experiment does not evaluate again.
 */
public final class EvaluationActivitiesImpl implements EvaluationActivities {

    /**
     * 3: filtered rows read on every held-out token; exact verdict on the children the target covers. 6: distinct
     * children are exclusive, coverage of the target's own activation, the bare parent out of the exact precision.
     * 7: filtered rows read where they were trained, the exact verdict by labels, the verdict's summary. 8: a
     * filtered row's latent that fires mostly off the target's tokens is set aside (elsewhere). 9: only its firing
     * there above the baseline of scrambled deviations counts, and set_aside reports that baseline.
     */
    static final int CODE_VERSION = 9;
    static final String KIND = "evaluation";
    /** The phases its heartbeats name after the passes over the held-out rows, where the model is available. */
    static final String PHASE_INTERPRETATION = "top contexts, logits and probes";
    static final String PHASE_LOSS_RECOVERED = "loss recovered";

    private final ArtifactStore store;

    public EvaluationActivitiesImpl(ArtifactStore store) {
        this.store = store;
    }

    /** Everything that determines the evaluation: its inputs' contents and settings, not who asked for it. */
    static String outputKey(EvaluationRequest r) {
        return OutputKey.of("evaluate", CODE_VERSION, r.wide().artifact().contentHash(),
                r.narrow().artifact().contentHash(), r.targetLatent(), r.threshold(), r.zeroedLatent(), r.filteredData(),
                r.data().artifact().contentHash(), r.criteria());
    }

    @Override
    public EvaluationResult evaluate(EvaluationRequest r) {
        String key = outputKey(r);
        ArtifactRef ref;
        try (ScanHeartbeat heartbeat = ScanHeartbeat.start("opening the SAEs")) {
            ref = store.getOrProduce(KIND, key, new Provenance("evaluate", r.experiment(), r.runId()), dir -> {
                SaeWeights wide = StageInputs.of(store).sae(r.wide());
                try (ModelEvidence model = ModelEvidence.open(r, store.localCopy(r.data().artifact()), store)) {
                    JsonArtifacts.write(dir.resolve(SplitReport.FILE_NAME), measure(r, wide, model, heartbeat));
                    if (model != null) {
                        heartbeat.phase(PHASE_LOSS_RECOVERED);
                        LossRecovered.writeInto(dir, model.lossRecovered(wide, heartbeat));
                    }
                }
            });
        }
        Path dir = store.localCopy(ref);
        return result(JsonArtifacts.read(dir.resolve(SplitReport.FILE_NAME), SplitReport.class), ref,
                LossRecovered.readFrom(dir));
    }

    static EvaluationResult result(SplitReport report, ArtifactRef ref, LossRecoveredSummary lossRecovered) {
        SplitReport.GroundTruthVerdict truth = report.groundTruth();
        return new EvaluationResult(report.all(), report.filtered(), report.children().size(),
                report.split().distinctChildren(), report.split().coverage(), report.verdict().outcome(),
                tableReason(report.verdict()), truth == null ? null : truth.outcome(),
                truth == null ? null : truth.reason(), ref, lossRecovered);
    }

    /** The run table's reason: the verdict's summary, or its full reason in a report written before summaries. */
    private static String tableReason(SplitReport.Verdict verdict) {
        return verdict.summary() != null ? verdict.summary() : verdict.reason();
    }

    /** The row's split report; {@code model}, where the activations came from one, adds its evidence. */
    private SplitReport measure(EvaluationRequest r, SaeWeights wide, ModelEvidence model, ScanHeartbeat heartbeat) {
        Path wideDirectory = store.localCopy(r.wide().artifact());
        Path narrowDirectory = store.localCopy(r.narrow().artifact());
        Path dataDirectory = store.localCopy(r.data().artifact());
        SaeWeights narrow = SaeLensFormat.read(narrowDirectory);
        SplitEvaluator.Subject subject = new SplitEvaluator.Subject(wide, narrow, r.targetLatent(), r.threshold(),
                r.zeroedLatent(), r.filteredData());
        SplitEvaluator.Findings f;
        try (ActivationSource heldOut = HeldOutSplit.heldOut(StageInputs.activations(dataDirectory))) {
            f = SplitEvaluator.evaluate(subject, heartbeat.counting(heldOut, heldOut.tokens()), r.criteria(),
                    HeldOutTruth.beside(dataDirectory, r.data().tokens()));
        }
        if (model != null) {
            heartbeat.phase(PHASE_INTERPRETATION);
        }
        Optional<SplitReport.Interpretation> interpretation = model == null ? Optional.empty()
                : model.interpret(subject, f, heartbeat);
        SplitReport.Verdict verdict = interpretation.map(i -> ModelEvidence.withProbes(f.verdict(), i.probes()))
                .orElse(f.verdict());
        return new SplitReport(SplitReport.FORMAT_VERSION, r.experiment(), r.runId(), wideDirectory.toString(),
                narrowDirectory.toString(), r.targetLatent(), r.threshold(), r.zeroedLatent(), f.heldOutTokens(),
                f.targetTokens(), f.all(), f.filtered(), f.children(), f.parents(), f.nearMisses(), f.setAside(), f.split(),
                verdict, f.groundTruth(), interpretation.orElse(null));
    }
}
