package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.stack.ProjectRoot;
import dev.saesplit.train.TrainingBenchmark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
        String python = run(List.of("bash", root.resolve("infra/saelens-env.sh").toString()), 30).lines()
                .reduce((first, second) -> second).orElseThrow(() ->
                        new IllegalStateException("infra/saelens-env.sh printed no python path"));
        String output = run(List.of(python, root.resolve("infra/saelens_train_step.py").toString(), rows.toString(),
                String.valueOf(settings.dSae()), String.valueOf(settings.batchSize()), String.valueOf(WARMUP_STEPS),
                String.valueOf(settings.steps()), settings.architecture().equals("relu") ? "standard"
                        : settings.architecture(), String.valueOf(settings.k()),
                settings.architecture().equals("jumprelu") ? String.valueOf(TrainingBenchmark.L0_COEFFICIENT)
                        : String.valueOf(L1_COEFFICIENT)), 60);
        String last = output.lines().reduce((first, second) -> second).orElse("");
        try {
            JsonNode json = new ObjectMapper().readTree(last);
            return new TrainingBenchmark.ReferenceResult(json.get("tokens_per_second").asDouble(),
                    json.get("l0").asDouble(), "SAELens " + json.get("sae_lens").asText() + " SAETrainer.step, torch "
                    + json.get("torch").asText() + ", " + json.get("threads").asInt() + " threads");
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("infra/saelens_train_step.py printed no result line; its output:\n"
                    + output, e);
        }
    }

    /** Runs {@code command}, its errors going to ours; returns its standard output. */
    private static String run(List<String> command, int timeoutMinutes) {
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroy();
                throw new IllegalStateException(String.join(" ", command) + " failed; see its output above");
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.get(0), e);
        }
    }
}
