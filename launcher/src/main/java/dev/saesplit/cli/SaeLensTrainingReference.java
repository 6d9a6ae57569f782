package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.bench.ExternalCommand;
import dev.saesplit.stack.ProjectRoot;
import dev.saesplit.train.TrainingBenchmark;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * SAELens's own {@code SAETrainer.step} timed on the benchmark's rows, through {@code infra/saelens_train_step.py}
 * in the SAELens environment that {@code infra/saelens-env.sh} installs on first use.
 */
final class SaeLensTrainingReference implements TrainingBenchmark.ReferenceTrainer {

    private static final int WARMUP_STEPS = 2;
    private static final double L1_COEFFICIENT = 5.0;

    private final Path root = ProjectRoot.get();

    @Override
    public TrainingBenchmark.ReferenceResult measure(Path rows, TrainingBenchmark.Settings settings) {
        String python = ExternalCommand.lastLineShowingErrors(List.of("bash",
                root.resolve("infra/saelens-env.sh").toString()), Duration.ofMinutes(30));
        if (python.isBlank()) {
            throw new IllegalStateException("infra/saelens-env.sh printed no python path");
        }
        String last = ExternalCommand.lastLineShowingErrors(List.of(python,
                root.resolve("infra/saelens_train_step.py").toString(), rows.toString(), String.valueOf(settings.dSae()),
                String.valueOf(settings.batchSize()), String.valueOf(WARMUP_STEPS),
                String.valueOf(settings.steps()), settings.architecture().equals("relu") ? "standard"
                        : settings.architecture(), String.valueOf(settings.k()),
                settings.architecture().equals("jumprelu") ? String.valueOf(TrainingBenchmark.L0_COEFFICIENT)
                        : String.valueOf(L1_COEFFICIENT)), Duration.ofMinutes(60));
        try {
            JsonNode json = new ObjectMapper().readTree(last);
            return new TrainingBenchmark.ReferenceResult(json.get("tokens_per_second").asDouble(),
                    json.get("l0").asDouble(), "SAELens " + json.get("sae_lens").asText() + " SAETrainer.step, torch "
                    + json.get("torch").asText() + ", " + json.get("threads").asInt() + " threads");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("infra/saelens_train_step.py printed no result line; its last line: "
                    + last, e);
        }
    }
}
