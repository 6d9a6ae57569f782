package dev.saesplit.preflight;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.filter.TokenTargetChooser;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.pipeline.BadInput;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeLensFormat;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.Init;
import dev.saesplit.spec.NarrowSaeSpec;
import dev.saesplit.spec.RunSpec;
import dev.saesplit.spec.SpecCheck;
import dev.saesplit.spec.TargetLatent;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * What the pipeline's first activities would reject in the files a spec names, found before anything starts:
 * the {@code .npy} headers (dtype, rank, shape against file size, equal widths), the narrow SAE's
 * {@code cfg.json} and weights header (architecture, whole-number sizes, tensor shapes), whether that SAE
 * reads activations of the width the source provides, and whether rows that copy it can be trained. Reads
 * headers only, so it takes milliseconds whatever the files' sizes. A language model's config is checked by
 * {@link ModelSourceCheck}.
 */
public final class SpecArtifactsCheck implements SpecCheck {

    @Override
    public void check(ExperimentSpec spec, Problems problems) {
        OptionalInt activationWidth = activationWidth(spec.activations(), problems);
        if (spec.narrowSae() instanceof NarrowSaeSpec.Existing existing) {
            checkExistingSae(existing, activationWidth, spec.runs(), problems);
        }
        if (spec.targetLatent() instanceof TargetLatent.Token token
                && spec.activations() instanceof ActivationSourceSpec.Model model && model.tokenizer() != null) {
            checkTargetToken(token.token(), model.tokenizer(), problems);
        }
    }

    /**
     * {@code target_latent: {token: ...}} must be one token of a tokenizer named in the spec; a model trained by the
     * experiment has its vocabulary only once trained, and its token is checked then. A tokenizer that cannot be
     * opened is reported by the dataset's check.
     */
    private static void checkTargetToken(String token, String tokenizerSpec, Problems problems) {
        Tokenizer tokenizer;
        try {
            tokenizer = Tokenizers.open(tokenizerSpec);
        } catch (RuntimeException e) {
            return;
        }
        try (tokenizer) {
            TokenTargetChooser.notOneToken(tokenizer, token)
                    .ifPresent(problem -> problems.report("target_latent.token", problem));
        }
    }

    /** {@code d} of the activations when it is known before any model runs. */
    private static OptionalInt activationWidth(ActivationSourceSpec source, Problems problems) {
        if (source instanceof ActivationSourceSpec.Synthetic synthetic) {
            return OptionalInt.of(synthetic.dIn());
        }
        if (source instanceof ActivationSourceSpec.Npy npy) {
            try {
                return OptionalInt.of(NpyActivationSource.open(npy.files()).dIn());
            } catch (RuntimeException e) {
                problems.report(fileField(npy.files(), e), describe(e));
            }
        }
        if (source instanceof ActivationSourceSpec.Model model) {
            return ModelSourceCheck.activationWidth(model, problems);
        }
        return OptionalInt.empty();
    }

    private static void checkExistingSae(NarrowSaeSpec.Existing existing, OptionalInt activationWidth,
                                         List<RunSpec> runs, Problems problems) {
        SaeConfig config;
        try {
            config = SaeLensFormat.inspect(existing.path());
        } catch (RuntimeException e) {
            problems.report("narrow_sae.path", describe(e));
            return;
        }
        if (activationWidth.isPresent() && activationWidth.getAsInt() != config.dIn()) {
            problems.report("narrow_sae.path", "the SAE at " + existing.path() + " reads activations of d_in "
                    + config.dIn() + ", but the activations have d " + activationWidth.getAsInt());
        }
        if (!config.applyBDecToInput()) {
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).init() == Init.NARROW) {
                    problems.report("runs[" + i + "].init", "init narrow copies the narrow SAE, whose cfg.json "
                            + "sets apply_b_dec_to_input: false; training here needs true, so use init: random");
                }
            }
        }
    }

    /** The {@code files[i]} the failure names, or the whole list when it names none of them. */
    private static String fileField(List<Path> files, RuntimeException e) {
        int index = e instanceof ActivationFormatException format ? files.indexOf(format.file()) : -1;
        return index < 0 ? "activations.files" : "activations.files[" + index + "]";
    }

    /** A user's file at fault is reported in its own words; an unreadable one says why; anything else is a bug. */
    static String describe(RuntimeException e) {
        if (e instanceof BadInput) {
            return e.getMessage();
        }
        if (e instanceof UncheckedIOException io) {
            return e.getMessage() + ": " + io.getCause().getMessage();
        }
        throw e;
    }
}
