package dev.saesplit.evaluate.interpret;

import ai.djl.ndarray.NDManager;
import dev.saesplit.data.RowRangeSource;
import dev.saesplit.data.RowTokens;
import dev.saesplit.evaluate.HeldOutPass;
import dev.saesplit.evaluate.SplitEvaluator;
import dev.saesplit.evaluate.SplitReport;
import dev.saesplit.lm.HookPoint;
import dev.saesplit.lm.Transformer;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.sae.ComputeDevice;
import dev.saesplit.sae.SaeWeights;
import dev.saesplit.sae.SparseAutoencoder;
import dev.saesplit.spec.SplitCriteria;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the target latent and its children mean, where the activations came from a language model: per latent
 * its top-activating held-out tokens in context and its boosted logits, and the spec's probes judged (rules in
 * {@link ProbeJudge}). The narrow target comes first, then the children, so parent and children sit side by side.
 *
 * <p>The evaluation step calls it after {@link SplitEvaluator#evaluate}, for a {@code source: model} experiment:
 * <pre>{@code
 * int[] children = findings.children().stream().mapToInt(SplitReport.Latent::latent).toArray();
 * Interpretation i = Interpreter.interpret(subject, children, HeldOutSplit.heldOut(cache), cacheRowTokens,
 *         new Interpreter.LanguageModel(model, tokenizer, hook, contextSettings.prependBos()),
 *         criteria.probes(), Interpreter.Settings.DEFAULTS, findings.only());
 * report = report.withInterpretation(i);
 * }</pre>
 * It reads the held-out rows once more (one {@link HeldOutPass}; a wide SAE trained on filtered data only where
 * the target fires, as the evaluation does, {@link SplitEvaluator.Findings#only()}), and runs the model once per
 * probe.
 */
public final class Interpreter {

    /**
     * How much evidence to gather.
     *
     * @param contexts top-activating tokens kept per latent
     * @param radius   tokens shown on each side of a top-activating token, within its context
     * @param logits   tokens listed at each end of a latent's boosted logits
     */
    public record Settings(int contexts, int radius, int logits) {
        public static final Settings DEFAULTS = new Settings(10, 8, 10);

        public Settings {
            if (contexts < 0 || radius < 0 || logits < 0) {
                throw new IllegalArgumentException("settings must be >= 0: " + contexts + ", " + radius + ", "
                        + logits);
            }
        }
    }

    /**
     * The language model the activations were cached from.
     *
     * @param model      the transformer, whose unembedding gives the boosted logits
     * @param tokenizer  its tokenizer
     * @param hook       where the SAEs read the model
     * @param prependBos whether the cached contexts start with BOS; probe prompts are run the same way
     */
    public record LanguageModel(Transformer model, Tokenizer tokenizer, HookPoint hook, boolean prependBos) {
    }

    private Interpreter() {
    }

    /**
     * @param subject  the SAEs, target, threshold, zeroed latent and whether the wide SAE saw only filtered data
     * @param children the children's indices in the wide SAE, in the order the report lists them
     * @param heldOut  the held-out rows, a view of the cached activations
     * @param tokens   the token behind each row of the source {@code heldOut} views (not only the held-out rows, so
     *                 a context that starts before the held-out rows is shown whole)
     * @param lm       the model, tokenizer and hook
     * @param probes   the spec's probes, judged in this order
     * @throws InterpretationInputException if the hook's width is not the SAEs', or the token rows do not cover the
     *                                      held-out rows
     */
    public static SplitReport.Interpretation interpret(SplitEvaluator.Subject subject, int[] children,
                                                       RowRangeSource heldOut, RowTokens tokens, LanguageModel lm,
                                                       List<SplitCriteria.Probe> probes, Settings settings,
                                                       HeldOutPass.TargetTokensOnly only) {
        requireFits(subject, heldOut, tokens, lm);
        TopActivatingRows top = new TopActivatingRows(children, settings.contexts());
        HeldOutPass.run(heldOut, subject.narrow(), subject.targetLatent(), subject.wide(), only, top);

        ContextWindow window = new ContextWindow(tokens, lm.tokenizer(), settings.radius());
        List<float[]> directions = new ArrayList<>();
        directions.add(subject.narrow().decoderRow(subject.targetLatent()));
        for (int child : children) {
            directions.add(subject.wide().decoderRow(child));
        }
        List<BoostedLogits.Ranked> logits = logits(lm, settings, directions);

        List<SplitReport.LatentInterpretation> latents = new ArrayList<>();
        latents.add(latent("narrow", subject.targetLatent(), top.target(), heldOut, window, logits.get(0)));
        for (int i = 0; i < children.length; i++) {
            latents.add(latent("wide", children[i], top.child(i), heldOut, window, logits.get(i + 1)));
        }
        return new SplitReport.Interpretation(latents, probes(subject, children, lm, probes, only));
    }

    /** Every probe judged; the dominant-child ones first, since a quiet probe watches the children they found. */
    static List<SplitReport.ProbeResult> probes(SplitEvaluator.Subject subject, int[] children, LanguageModel lm,
                                                List<SplitCriteria.Probe> probes, HeldOutPass.TargetTokensOnly only) {
        if (probes.isEmpty()) {
            return List.of();
        }
        try (NDManager manager = ComputeDevice.newManager(ComputeDevice.selected());
             SparseAutoencoder narrow = SparseAutoencoder.upload(subject.narrow(), manager);
             SparseAutoencoder wide = SparseAutoencoder.upload(subject.wide(), manager)) {
            ProbeRunner runner = new ProbeRunner(lm.model(), lm.tokenizer(), lm.hook(), lm.prependBos(), narrow,
                    subject.targetLatent(), wide, only);
            List<ProbeRunner.Reading> readings = new ArrayList<>();
            Set<Integer> owners = new HashSet<>();
            SplitReport.ProbeResult[] results = new SplitReport.ProbeResult[probes.size()];
            for (int i = 0; i < probes.size(); i++) {
                readings.add(runner.read(probes.get(i)));
                if (probes.get(i).expect() == SplitCriteria.Expectation.DOMINANT_CHILD) {
                    results[i] = judge(probes.get(i), readings.get(i), subject, children, Set.of());
                    int owner = ProbeJudge.owner(results[i], children);
                    if (owner >= 0) {
                        owners.add(owner);
                    }
                }
            }
            for (int i = 0; i < probes.size(); i++) {
                if (results[i] == null) {
                    results[i] = judge(probes.get(i), readings.get(i), subject, children, owners);
                }
            }
            return List.of(results);
        }
    }

    private static SplitReport.ProbeResult judge(SplitCriteria.Probe probe, ProbeRunner.Reading r,
                                                 SplitEvaluator.Subject subject, int[] children, Set<Integer> watched) {
        String note = r.unread() ? " (the target does not fire above " + subject.threshold() + " here; this wide"
                + " SAE, trained only where it does, is not read here)" : "";
        return ProbeJudge.judge(probe, r.target(), r.wide(), children, subject.zeroedLatent(), watched, note);
    }

    private static List<BoostedLogits.Ranked> logits(LanguageModel lm, Settings settings, List<float[]> directions) {
        if (lm.hook().site().mlpHidden()) {
            // A direction among the MLP's hidden neurons does not live in the residual stream: no direct path.
            List<BoostedLogits.Ranked> none = new ArrayList<>();
            directions.forEach(d -> none.add(new BoostedLogits.Ranked(List.of(), List.of())));
            return none;
        }
        return new BoostedLogits(lm.model(), lm.tokenizer(), settings.logits()).of(directions);
    }

    private static SplitReport.LatentInterpretation latent(String sae, int latent, List<BoundedTop.Entry> rows,
                                                           RowRangeSource heldOut, ContextWindow window,
                                                           BoostedLogits.Ranked logits) {
        List<SplitReport.Context> contexts = new ArrayList<>();
        for (BoundedTop.Entry e : rows) {
            contexts.add(window.around(heldOut.sourceRow(e.id()), e.value()));
        }
        return new SplitReport.LatentInterpretation(sae, latent, contexts, logits.top(), logits.bottom());
    }

    private static void requireFits(SplitEvaluator.Subject subject, RowRangeSource heldOut, RowTokens tokens,
                                    LanguageModel lm) {
        SaeWeights narrow = subject.narrow();
        int width = lm.hook().width(lm.model().config());
        if (narrow.dIn() != width || subject.wide().dIn() != width) {
            throw new InterpretationInputException("the SAEs read " + narrow.dIn() + " (narrow) and "
                    + subject.wide().dIn() + " (wide) values per token, but hook " + lm.hook() + " of '"
                    + lm.model().config().modelName() + "' is " + width + " wide");
        }
        if (heldOut.tokens() > 0 && heldOut.sourceRow(heldOut.tokens() - 1) >= tokens.rows()) {
            throw new InterpretationInputException("the held-out activations end at row "
                    + heldOut.sourceRow(heldOut.tokens() - 1) + ", but tokens are known for " + tokens.rows()
                    + " rows only");
        }
    }
}
