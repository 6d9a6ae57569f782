package dev.saesplit.cli;

import dev.saesplit.preflight.SpecArtifactsCheck;
import dev.saesplit.spec.ActivationSourceSpec;
import dev.saesplit.spec.ExperimentSpec;
import dev.saesplit.spec.NarrowSaeSpec;
import dev.saesplit.spec.SpecParser;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.spec.Until;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** Checks a spec without launching anything or touching the database. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check an experiment spec without launching anything.")
final class ValidateCommand extends SaesplitSubcommand {

    @Parameters(paramLabel = "FILE", description = "The experiment spec (YAML).")
    Path file;

    @Option(names = "--until", paramLabel = "STAGE", converter = RunCommand.UntilConverter.class,
            description = "Check the spec as 'run --until STAGE' reads it: with 'narrow', target_latent may be left "
                    + "out.")
    Until until = Until.REPORT;

    @Override
    public Integer call() throws SpecValidationException {
        ExperimentSpec spec = SpecParser.parse(file, until, new SpecArtifactsCheck());
        String narrow = spec.narrowSae() instanceof NarrowSaeSpec.Existing existing
                ? "existing narrow SAE " + existing.path() + " (" + existing.width() + " latents)"
                : "narrow SAE of " + spec.narrowSae().width() + " latents";
        // The weight processing changes the activations an SAE sees, so it is shown beside the model it applies to.
        String activations = spec.activations() instanceof ActivationSourceSpec.Model model
                ? "model activations (" + model.model() + " at " + model.hook() + ", weight_processing "
                        + model.weightProcessing().specName()
                        + (model.streamed() ? ", streamed with buffer_tokens " + model.stream().bufferTokens()
                                : ", cache_dtype " + model.cacheDtype().specName())
                        + ")"
                : spec.activations().kind() + " activations";
        out().printf("%s is valid: experiment '%s', %s, %s, target latent %s, "
                        + "%d run%s%n", file, spec.name(), activations, narrow,
                java.util.Objects.toString(spec.targetLatent(), "not chosen yet"),
                spec.runs().size(), spec.runs().size() == 1 ? "" : "s");
        return SaesplitCommand.OK;
    }
}
