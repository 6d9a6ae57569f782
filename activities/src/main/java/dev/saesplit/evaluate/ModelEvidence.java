package dev.saesplit.evaluate;

import ai.djl.ndarray.NDManager;
import dev.saesplit.artifact.ArtifactStore;
import dev.saesplit.data.ActivationSource;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.RowRangeSource;
import dev.saesplit.data.TokenedActivationSource;
import dev.saesplit.evaluate.interpret.Interpreter;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.lm.TrainedModels;
import dev.saesplit.read.StageInputs;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.table.SplitOutcome;
import dev.saesplit.worker.ScanHeartbeat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The evidence a language model adds to a row's evaluation, with the model and its activation cache opened once
 * for all of it: loss recovered, and contexts, boosted logits and probes (see {@link Interpreter}), with the
 * probes' say in the verdict.
 */
final class ModelEvidence implements AutoCloseable {

    private final ActivationSourceSpec.Model spec;
    private final EvaluationRequest request;
    private final Path dataDirectory;
    private final TokenedActivationSource cache;
    private final NDManager manager;
    private final LanguageModel lm;

    private ModelEvidence(ActivationSourceSpec.Model spec, EvaluationRequest request, Path dataDirectory,
                          TokenedActivationSource cache,
                          NDManager manager, LanguageModel lm) {
        this.spec = spec;
        this.request = request;
        this.dataDirectory = dataDirectory;
        this.cache = cache;
        this.manager = manager;
        this.lm = lm;
    }

    /**
     * The model and cache behind {@code r}'s activations, or {@code null} when they were not cached from a
     * language model (synthetic or npy activations). Close it when done.
     */
    static ModelEvidence open(EvaluationRequest r, Path dataDirectory, ArtifactStore store) {
        Optional<ActivationSourceSpec.Model> spec = r.model().map(model -> TrainedModels.local(model, store));
        if (spec.isEmpty()) {
            return null;
        }
        TokenedActivationSource cache = StageInputs.tokenedActivations(dataDirectory).orElse(null);
        if (cache == null) {
            return null;
        }
        NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
        try {
            return new ModelEvidence(spec.get(), r, dataDirectory, cache, manager,
                    LanguageModel.open(spec.get(), manager));
        } catch (RuntimeException e) {
            manager.close();
            cache.close();
            throw e;
        }
    }

    /**
     * Loss recovered by {@code wide} on the held-out contexts (the cache's tail, which no SAE trained on); stops
     * before the next forward pass once {@code heartbeat}'s activity is cancelled.
     */
    Optional<LossRecoveredSummary> lossRecovered(SaeWeights wide, ScanHeartbeat heartbeat) {
        List<int[]> heldOut = LossRecovered.contexts(cache.rowTokens().orElseThrow(),
                HeldOutSplit.trainingRows(cache.tokens()), spec.contextSize(), LossRecovered.DEFAULT_MAX_CONTEXTS);
        if (heldOut.isEmpty() || spec.contextSize() < 2) {
            return Optional.empty();
        }
        try (NDManager scope = manager.newSubManager();
             SparseAutoencoder sae = SparseAutoencoder.upload(wide, scope)) {
            return Optional.of(LossRecovered.measure(lm.transformer(), lm.hook(), sae, heldOut,
                    LossRecovered.batchFor(spec, lm.transformer().config().dVocab()), scope,
                    heartbeat::checkNotCancelled));
        }
    }

    /**
     * The interpretation of the target and its children; empty for pre-tokenized data with no tokenizer, whose
     * tokens cannot be shown. Its scan of the held-out rows stops at its next read once {@code heartbeat}'s activity
     * is cancelled.
     */
    Optional<SplitReport.Interpretation> interpret(SplitEvaluator.Subject subject, SplitEvaluator.Findings findings,
                                                   ScanHeartbeat heartbeat) {
        if (lm.tokenizer().isEmpty()) {
            return Optional.empty();
        }
        int[] children = findings.children().stream().mapToInt(SplitReport.Latent::latent).toArray();
        try (ActivationSource all = StageInputs.activations(dataDirectory);
             RowRangeSource heldOut = HeldOutSplit.heldOut(heartbeat.checking(all))) {
            return Optional.of(Interpreter.interpret(subject, children, heldOut, cache.rowTokens().orElseThrow(),
                    new Interpreter.LanguageModel(lm.transformer(), lm.tokenizer().get(), lm.hook(),
                            LanguageModel.contextSettings(spec).prependBos()),
                    request.criteria().probes(), Interpreter.Settings.DEFAULTS, findings.only()));
        }
    }

    /**
     * The verdict with the probes' results: each named in the reason, and a {@code yes} that fails a probe is only
     * {@code partial}, since the children then do not behave as the study expects on the prompts it chose.
     */
    static SplitReport.Verdict withProbes(SplitReport.Verdict verdict, List<SplitReport.ProbeResult> probes) {
        if (probes.isEmpty()) {
            return verdict;
        }
        List<SplitReport.ProbeResult> failed = probes.stream().filter(p -> !p.passed()).toList();
        StringBuilder reason = new StringBuilder(verdict.reason()).append(String.format(Locale.ROOT,
                "; probes: %d of %d pass", probes.size() - failed.size(), probes.size()));
        // Probes failing for one reason (a row without children fails them all alike) are named together.
        Map<String, List<SplitReport.ProbeResult>> byReason = failed.stream().collect(Collectors.groupingBy(
                SplitReport.ProbeResult::reason, LinkedHashMap::new, Collectors.toList()));
        byReason.forEach((why, alike) -> {
            String names = alike.stream().map(p -> String.format(Locale.ROOT, "\"%s\" (%s at '%s')", p.prompt(),
                    p.expect(), p.token())).collect(Collectors.joining(", "));
            reason.append("; ").append(names).append(alike.size() == 1 ? " fails: " : " fail: ").append(why);
        });
        SplitOutcome outcome = verdict.outcome() == SplitOutcome.YES && !failed.isEmpty() ? SplitOutcome.PARTIAL
                : verdict.outcome();
        String summary = verdict.summary() + (failed.isEmpty() ? "; probes pass" : String.format(Locale.ROOT,
                "; probe \"%s\" fails%s", failed.get(0).prompt(), failed.size() == 1 ? ""
                        : " (+" + (failed.size() - 1) + " more)"));
        return new SplitReport.Verdict(outcome, reason.toString(), summary);
    }

    @Override
    public void close() {
        try (cache; manager) {
            lm.close();
        }
    }
}
