package dev.saesplit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.saesplit.filter.TokenTargetChooser;
import dev.saesplit.lm.tokens.CutVocabulary;
import dev.saesplit.lm.tokens.CutVocabularyTokenizer;
import dev.saesplit.lm.dataset.PythonStdlib;
import dev.saesplit.stack.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The code-hyphen study ({@code experiments/code-hyphen.yaml}) end to end on a reduced budget, through a real
 * Temporal server, PostgreSQL and MLflow: a tiny model is trained on the standard library's {@code email} package
 * by the workflow itself, its MLP output is cached from the package's training files, the narrow SAE's latent for
 * "-" is chosen and reported with its specificity, and the grid's rows are trained and evaluated with contexts,
 * boosted logits and probes.
 */
class CodeHyphenRunTest {

    private static TestServices services;

    @BeforeAll
    static void startServices() {
        services = TestServices.start("hyphen");
    }

    @AfterAll
    static void stopServices() throws IOException {
        services.close();
    }

    @Test
    void theStudyTrainsItsModelChoosesTheHyphenLatentAndReportsEveryRowWithEvidence() throws Exception {
        Path email = PythonStdlib.locate().resolve("email");
        Path dir = Files.createDirectories(services.home().resolve("specs"));
        Files.writeString(dir.resolve("lm.yaml"), """
                name: email-tiny
                model: {layers: 1, d_model: 32, heads: 2, d_mlp: 128, n_ctx: 32, vocab: 512}
                dataset: {source: folder, path: %s, held_out: 0.1}
                training: {steps: 40, batch_size: 8, learning_rate: 3.0e-3, eval_every: 40, eval_contexts: 16}
                """.formatted(email));
        Path spec = dir.resolve("code-hyphen-ci.yaml");
        Files.writeString(spec, """
                name: code-hyphen-ci
                activations:
                  source: model
                  model: {train: lm.yaml}
                  dataset: {source: folder, path: %s, held_out: 0.1}
                  hook: blocks.0.hook_mlp_out
                  context_size: 32
                  tokens: 24k
                narrow_sae: {width: 16, tokens: 40k, seed: 1}
                target_latent: {token: "-"}
                filter_threshold: 0.0
                training: {batch_size: 256, learning_rate: 3.0e-3, sparsity_coefficient: 0.5, lr_warmup_steps: 10,
                           l1_warmup_steps: 20, checkpoint_every: 100, log_every: 20}
                split:
                  probes:
                    - {prompt: "x = a - b", token: "-", expect: dominant-child, margin: 2.0}
                    - {prompt: "This function is thread-safe.", token: "-", expect: dominant-child, margin: 2.0}
                runs:
                  - {id: 1, purpose: "copy narrow SAE + zero-target loss", width: 48, seed: 1, init: narrow, normalised: true, data: all, loss: zero-target, tokens: 20k}
                  - {id: 2, purpose: "filtered data", width: 48, seed: 1, init: random, normalised: true, data: filtered, loss: standard, tokens: 10k}
                """.formatted(email));

        CliRun run = CliRun.of(services.environment(), "run", spec.toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        Path model = onlyChild(services.home().resolve("artifacts").resolve("lm"));
        int hyphen = TokenTargetChooser.tokenId(new CutVocabularyTokenizer(CutVocabulary.read(
                model.resolve(CutVocabulary.FILE_NAME))), "-");
        Matcher target = Pattern.compile("target: latent (\\d+), chosen for token id " + hyphen
                + ": mean activation \\d+\\.\\d{3} on its [\\d,]+ rows, specificity \\d+\\.\\d %").matcher(run.out());
        assertTrue(target.find(), run.out());
        int latent = Integer.parseInt(target.group(1));
        assertTrue(latent < 16, run.out());
        assertEquals(2, run.out().lines().filter(l -> l.startsWith("| ") && l.contains("| succeeded |")).count(),
                run.out());

        CliRun table = CliRun.of(services.environment(), "table", "code-hyphen-ci");
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().startsWith("target: latent " + latent + ", chosen for token id " + hyphen), table.out());

        List<Path> reports = splitReports();
        assertEquals(2, reports.size(), reports.toString());
        for (Path file : reports) {
            JsonNode report = new ObjectMapper().readTree(file.toFile());
            JsonNode narrow = report.path("interpretation").path("latents").get(0);
            assertEquals("narrow", narrow.path("sae").asText(), file.toString());
            assertEquals(latent, narrow.path("latent").asInt(), "the chosen latent is the one evaluated");
            assertTrue(narrow.path("contexts").size() > 0, "the target's top contexts: " + narrow);
            assertEquals(10, narrow.path("top_logits").size(), narrow.toString());
            assertEquals(2, report.path("interpretation").path("probes").size(), report.toString());
        }
        Matcher page = Pattern.compile("(?m)^report: (.+)$").matcher(run.out());
        assertTrue(page.find(), run.out());
        String html = Files.readString(Path.of(page.group(1)));
        assertTrue(html.contains("target: latent " + latent + ", chosen for token id " + hyphen), "report names it");
    }

    private static Path onlyChild(Path dir) throws IOException {
        try (Stream<Path> children = Files.list(dir)) {
            List<Path> models = children.filter(d -> !d.getFileName().toString().startsWith(".")).toList();
            assertEquals(1, models.size(), models.toString());
            return models.get(0);
        }
    }

    private static List<Path> splitReports() throws IOException {
        try (Stream<Path> files = Files.walk(services.home().resolve("artifacts").resolve("evaluation"))) {
            return files.filter(f -> f.getFileName().toString().equals("split_report.json")).toList();
        }
    }
}
