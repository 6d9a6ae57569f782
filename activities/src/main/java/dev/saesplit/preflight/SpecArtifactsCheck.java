package dev.saesplit.preflight;

import dev.saesplit.data.ActivationFormatException;
import dev.saesplit.data.npy.NpyActivationSource;
import dev.saesplit.data.synthetic.GroundTruth;
import dev.saesplit.lm.tokens.SingleToken;
import dev.saesplit.lm.tokens.Tokenizer;
import dev.saesplit.lm.tokens.Tokenizers;
import dev.saesplit.pipeline.BadInput;
import dev.saesplit.sae.SaeConfig;
import dev.saesplit.sae.SaeFiles;
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
 * the {@code .npy} headers (dtype, rank, shape against file size, equal widths) and a ground truth beside them
 * ({@code ground_truth.json} and the files it names, against the activations), the config and weights header
 * of the narrow SAE and of every SAE a row evaluates (a SAELens directory's {@code cfg.json} and safetensors
 * header; a 1L-Sparse-Autoencoder {@code N_cfg.json} and its {@code .pt}'s pickle: architecture, whole-number
 * sizes, tensor names and shapes), whether those SAEs read activations of the width the source provides, and
 * whether rows that copy the narrow SAE can be trained. Reads
 * headers only, so it takes milliseconds whatever the files' sizes. A language model's config is checked by
 * {@link ModelSourceCheck}.
 */
public final class SpecArtifactsCheck implements SpecCheck {

    @Override
    public void check(ExperimentSpec spec, Problems problems) {
        OptionalInt activationWidth = activationWidth(spec, problems);
        if (spec.narrowSae() instanceof NarrowSaeSpec.Existing existing) {
            checkExistingSae(existing, activationWidth, spec.runs(), problems);
        }
        for (int i = 0; i < spec.runs().size(); i++) {
            RunSpec row = spec.runs().get(i);
            if (row.evaluatesExisting()) {
                inspectSae(row.sae(), "runs[" + i + "].sae", activationWidth, problems);
            }
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
            SingleToken.problem(tokenizer, token)
                    .ifPresent(problem -> problems.report("target_latent.token", problem));
        }
    }

    /** {@code d} of the activations when it is known before any model runs. */
    private static OptionalInt activationWidth(ExperimentSpec spec, Problems problems) {
        ActivationSourceSpec source = spec.activations();
        if (source instanceof ActivationSourceSpec.Synthetic synthetic) {
            return OptionalInt.of(synthetic.dIn());
        }
        if (source instanceof ActivationSourceSpec.Npy npy) {
            long rows;
            int width;
            try (NpyActivationSource opened = NpyActivationSource.open(npy.files())) {
                rows = opened.tokens();
                width = opened.dIn();
            } catch (RuntimeException e) {
                problems.report(fileField(npy.files(), e), describe(e));
                return OptionalInt.empty();
            }
            checkGroundTruth(npy, rows, width, spec.targetLatent(), problems);
            return OptionalInt.of(width);
        }
        if (source instanceof ActivationSourceSpec.Model model) {
            return ModelSourceCheck.activationWidth(model, problems);
        }
        return OptionalInt.empty();
    }

    /**
     * A ground truth beside an {@code npy} source's files must describe them: read bounded and typed, and every
     * file it names opened and checked against the activations, as registering the source will. A target named
     * by its ground-truth parent needs one, with that parent.
     */
    private static void checkGroundTruth(ActivationSourceSpec.Npy npy, long rows, int width, TargetLatent target,
                                         Problems problems) {
        Path folder = GroundTruth.folderOf(npy.files());
        OptionalInt parent = target instanceof TargetLatent.MatchingParent p ? OptionalInt.of(p.parent())
                : OptionalInt.empty();
        if (!GroundTruth.isBeside(folder)) {
            if (parent.isPresent()) {
                problems.report("target_latent", "{parent: N} needs ground_truth.json beside the npy files, and "
                        + folder + " holds none");
            }
            return;
        }
        try {
            GroundTruth truth = GroundTruth.checkBeside(folder, rows, width);
            if (parent.isPresent() && parent.getAsInt() >= truth.config().parents()) {
                problems.report("target_latent.parent", "must be below the ground truth's "
                        + truth.config().parents() + " parents, got " + parent.getAsInt());
            }
        } catch (RuntimeException e) {
            problems.report("activations.files (ground truth)", describe(e));
        }
    }

    private static void checkExistingSae(NarrowSaeSpec.Existing existing, OptionalInt activationWidth,
                                         List<RunSpec> runs, Problems problems) {
        SaeConfig config = inspectSae(existing.path(), "narrow_sae.path", activationWidth, problems);
        if (config != null && !config.applyBDecToInput()) {
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).init() == Init.NARROW && !runs.get(i).evaluatesExisting()) {
                    problems.report("runs[" + i + "].init", "init narrow copies the narrow SAE, whose cfg.json "
                            + "sets apply_b_dec_to_input: false; training here needs true, so use init: random");
                }
            }
        }
    }

    /**
     * The config of the SAE at {@code path} (a SAELens directory or a 1L-Sparse-Autoencoder {@code .pt}) after the
     * header checks reading it makes, and whether it reads activations as wide as the source's; null after reporting
     * at {@code field} what is wrong.
     */
    private static SaeConfig inspectSae(Path path, String field, OptionalInt activationWidth, Problems problems) {
        SaeConfig config;
        try {
            config = SaeFiles.inspect(path);
        } catch (RuntimeException e) {
            problems.report(field, describe(e));
            return null;
        }
        if (activationWidth.isPresent() && activationWidth.getAsInt() != config.dIn()) {
            problems.report(field, "the SAE at " + path + " reads activations of d_in " + config.dIn()
                    + ", but the activations have d " + activationWidth.getAsInt());
        }
        return config;
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
