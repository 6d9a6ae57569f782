package dev.saesplit.evaluate;

import ai.djl.ndarray.NDManager;
import dev.saesplit.cache.ActivationSources;
import dev.saesplit.data.HeldOutSplit;
import dev.saesplit.data.RowRangeSource;
import dev.saesplit.data.cache.ActivationCacheReader;
import dev.saesplit.evaluate.interpret.Interpreter;
import dev.saesplit.lm.LanguageModel;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.SplitCriteria;
import dev.saesplit.table.SplitOutcome;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The evidence a language model adds to a split report: contexts, boosted logits and probes (see
 * {@link Interpreter}), and the probes' say in the verdict.
 */
final class ModelEvidence {

    private ModelEvidence() {
    }

    /**
     * The interpretation of the target and its children, when the activations were cached from a language model
     * with a tokenizer; empty otherwise (synthetic or npy activations, or pre-tokenized data with no tokenizer).
     */
    static Optional<SplitReport.Interpretation> interpret(EvaluationRequest r, SplitEvaluator.Subject subject,
                                                          SplitEvaluator.Findings findings) {
        Optional<ActivationSourceSpec.Model> spec = r.model();
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        int[] children = findings.children().stream().mapToInt(SplitReport.Latent::latent).toArray();
        try (ActivationCacheReader cache = ActivationSources.openModelCache(r.data()).orElse(null)) {
            if (cache == null) {
                return Optional.empty();
            }
            try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
                 LanguageModel lm = LanguageModel.open(spec.get(), manager);
                 RowRangeSource heldOut = HeldOutSplit.heldOut(ActivationSources.open(r.data()))) {
                if (lm.tokenizer().isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(Interpreter.interpret(subject, children, heldOut, cache.rowTokens().orElseThrow(),
                        new Interpreter.LanguageModel(lm.transformer(), lm.tokenizer().get(), lm.hook(),
                                LanguageModel.contextSettings(spec.get()).prependBos()),
                        r.criteria().probes(), Interpreter.Settings.DEFAULTS, findings.shift()));
            }
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
        for (SplitReport.ProbeResult p : failed) {
            reason.append(String.format(Locale.ROOT, "; \"%s\" (%s at '%s') fails: %s", p.prompt(), p.expect(),
                    p.token(), p.reason()));
        }
        SplitOutcome outcome = verdict.outcome() == SplitOutcome.YES && !failed.isEmpty() ? SplitOutcome.PARTIAL
                : verdict.outcome();
        return new SplitReport.Verdict(outcome, reason.toString());
    }
}
