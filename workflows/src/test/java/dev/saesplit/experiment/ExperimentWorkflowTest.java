package dev.saesplit.experiment;

import dev.saesplit.pipeline.FailureClassifyingInterceptor;
import dev.saesplit.pipeline.StageProgress;
import dev.saesplit.pipeline.TrainingProgress;
import dev.saesplit.pipeline.WorkflowIds;
import dev.saesplit.run.SplitRunWorkflow;
import dev.saesplit.spec.Architecture;
import dev.saesplit.spec.ArchitectureSpec;
import dev.saesplit.spec.SpecValidationException;
import dev.saesplit.table.RunStatus;
import dev.saesplit.train.TrainRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.saesplit.experiment.RunningPipeline.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentWorkflowTest {

    static final String SPEC = """
            name: wiring
            activations: {source: synthetic, d_in: 16, features: 32, parents: 2, tokens: 100k}
            narrow_sae: {width: 8, tokens: 50k, seed: 3}
            target_latent: 5
            max_parallel_runs: 2
            training: {batch_size: 100}
            runs:
              - {id: a, width: 32, seed: 1, init: narrow, normalised: false, data: filtered, loss: zero-target, tokens: 10k}
              - {id: b, width: 32, seed: 2, init: random, normalised: true, data: all, loss: standard, tokens: 10k}
              - {id: c, width: 64, seed: 3, init: narrow, normalised: true, data: filtered, loss: standard, tokens: 20k}
              - {id: d, width: 32, seed: 4, init: random, normalised: true, data: all, loss: standard, tokens: 10k}
            """;

    @RegisterExtension
    final RunningPipeline pipeline = new RunningPipeline();
    private final FakePipeline fake = pipeline.fake;

    @Test
    void sharedStagesRunOnceInOrderThenEveryRowInitialisesTrainsAndEvaluates() throws Exception {
        ExperimentResult result = experiment(SPEC).run(spec(SPEC));

        assertEquals(List.of("activations", "init ", "train ", "resolve target", "filter"), fake.calls.subList(0, 5));
        for (String row : List.of("a", "b", "c", "d")) {
            List<String> ofRow = fake.calls.stream().filter(c -> c.endsWith(" " + row)).toList();
            assertEquals(List.of("init " + row, "train " + row, "evaluate " + row), ofRow);
        }
        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertEquals(List.of("a", "b", "c", "d"), result.runs().stream().map(RunOutcome::runId).toList());
        assertEquals(Map.of("a", RunStatus.SUCCEEDED, "b", RunStatus.SUCCEEDED, "c", RunStatus.SUCCEEDED,
                "d", RunStatus.SUCCEEDED), fake.runStatus);
        assertEquals(List.of(RunStatus.RUNNING, RunStatus.SUCCEEDED), fake.experimentStatus);
        assertEquals("report a+ b+ c+ d+", fake.calls.get(fake.calls.size() - 1), "the report comes last");
    }

    @Test
    void aSpecWithoutRowsStopsAfterTheNarrowSaeAndRecordsNoStatus() throws Exception {
        String narrowOnly = SPEC.substring(0, SPEC.indexOf("\nruns:") + 1).replace("target_latent: 5\n", "");

        ExperimentResult result = experiment(narrowOnly).run(spec(narrowOnly));

        assertEquals(List.of("activations", "init ", "train "), fake.calls);
        assertEquals("trained-", result.narrow().artifact().key());
        assertEquals(-1, result.targetLatent());
        assertTrue(result.runs().isEmpty());
        assertEquals(RunStatus.SUCCEEDED, result.status());
        assertTrue(fake.experimentStatus.isEmpty(), "the experiment's status is its rows': " + fake.experimentStatus);
    }

    @Test
    void eachRowGetsItsConfiguration() throws Exception {
        experiment(SPEC).run(spec(SPEC));
        Map<String, TrainRequest> train = fake.trainRequests.stream()
                .collect(Collectors.toMap(TrainRequest::runId, r -> r));

        assertEquals(5, train.get("a").zeroLatent(), "zero-target zeroes the target latent");
        assertEquals(-1, train.get("b").zeroLatent());
        assertTrue(train.get("a").filtered() != null && train.get("c").filtered() != null, "filtered rows");
        assertNull(train.get("b").filtered(), "rows on all data get no filter");
        assertEquals(20_000, train.get("c").tokens());
        assertEquals("init-c", train.get("c").initial().artifact().key(), "training starts from the row's init");
        var init = fake.initRequests.stream().collect(Collectors.toMap(r -> r.runId(), r -> r));
        assertEquals("trained-", init.get("a").narrow().artifact().key(), "narrow init copies the trained narrow SAE");
        assertNull(init.get("b").narrow(), "random init copies nothing");
        assertTrue(init.get("c").normalised() && !init.get("a").normalised());
    }

    @Test
    void aRowsArchitectureReachesItsInitialisationAndItsTraining() throws Exception {
        String withArchitectures = SPEC
                .replace("loss: zero-target, tokens: 10k}", "loss: zero-target, tokens: 10k, architecture: matryoshka, "
                        + "k: 3, groups: [8, 24]}")
                .replace("seed: 2, init: random, normalised: true, data: all, loss: standard, tokens: 10k}",
                        "seed: 2, init: random, normalised: true, data: all, loss: standard, tokens: 10k, "
                                + "architecture: jumprelu, l0_coefficient: 0.5}");
        experiment(withArchitectures).run(spec(withArchitectures));
        Map<String, TrainRequest> train = fake.trainRequests.stream()
                .collect(Collectors.toMap(TrainRequest::runId, r -> r));
        var init = fake.initRequests.stream().collect(Collectors.toMap(r -> r.runId(), r -> r));

        ArchitectureSpec matryoshka = new ArchitectureSpec(Architecture.MATRYOSHKA, 3.0, List.of(8, 24), null);
        assertEquals(matryoshka, init.get("a").architecture());
        assertEquals(matryoshka, train.get("a").architecture());
        assertEquals(0.5, train.get("b").architecture().l0Coefficient());
        assertNull(init.get("c").architecture(), "a row naming none trains ReLU, as before");
        assertNull(init.get("").architecture(), "the narrow SAE is ReLU");
        assertNull(train.get("").architecture());
    }

    @Test
    void neverTrainsMoreRowsAtOnceThanMaxParallelRuns() throws Exception {
        experiment(SPEC).run(spec(SPEC));

        assertEquals(2, fake.mostTrainingAtOnce.get());
    }

    @Test
    void filteringIsSkippedWhenNoRowUsesFilteredData() throws Exception {
        String allData = SPEC.replace("data: filtered", "data: all").replace("loss: zero-target", "loss: standard");

        experiment(allData).run(spec(allData));

        assertTrue(!fake.calls.contains("filter"), fake.calls.toString());
    }

    @Test
    void anExistingNarrowSaeIsRegisteredInsteadOfTrained(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("cfg.json"), "{\"d_in\": 16, \"d_sae\": 8}");
        java.nio.file.Files.createFile(dir.resolve("sae_weights.safetensors"));
        String existing = SPEC.replace("narrow_sae: {width: 8, tokens: 50k, seed: 3}", "narrow_sae: {path: " + dir + "}");

        experiment(existing).run(spec(existing));

        assertEquals("register " + dir, fake.calls.get(1));
        assertTrue(fake.trainRequests.stream().noneMatch(r -> r.runId().isEmpty()), "no narrow training");
    }

    @Test
    void aRowNamingAnExistingSaeImportsItInsteadOfTrainingAndIsEvaluatedLikeTheOthers(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        java.nio.file.Files.createFile(dir.resolve("14.pt"));
        java.nio.file.Files.writeString(dir.resolve("14_cfg.json"), "{\"act_size\": 16, \"dict_mult\": 1}");
        String existing = SPEC.replace("  - {id: d, width: 32, seed: 4,",
                "  - {id: d, sae: " + dir.resolve("14.pt") + ", seed: 4,");

        ExperimentResult result = experiment(existing).run(spec(existing));

        List<String> ofRow = fake.calls.stream().filter(c -> c.matches("\\w+ d( .*)?")).toList();
        assertEquals(List.of("import d " + dir.resolve("14.pt"), "evaluate d"), ofRow);
        assertEquals(RunStatus.SUCCEEDED, fake.runStatus.get("d"));
        assertEquals(4, result.runs().size());
        assertTrue(fake.calls.contains("report a+ b+ c+ d+"), fake.calls.toString());
    }

    @Test
    void badInputFailsItsRowAtOnceWhileTheOtherRowsFinish() throws Exception {
        fake.badInputRows = "c"::equals;

        ExperimentResult result = experiment(SPEC).run(spec(SPEC));

        RunOutcome c = result.runs().get(2);
        assertEquals(RunStatus.FAILED, c.status());
        assertEquals("activations of row c contain NaN at token 17", c.failure());
        assertEquals(1, fake.trainAttempts.get("c").get(), "bad input is not retried");
        assertEquals(RunStatus.FAILED, fake.runStatus.get("c"));
        assertEquals(RunStatus.SUCCEEDED, fake.runStatus.get("d"));
        assertEquals(RunStatus.FAILED, result.status());
        assertEquals(RunStatus.FAILED, fake.experimentStatus.get(fake.experimentStatus.size() - 1));
        assertTrue(fake.calls.contains("report a+ b+ c- d+"), "the report covers the rows that finished");
    }

    @Test
    void infrastructureFaultsAreRetriedPastTheLimitForUnexpectedErrors() throws Exception {
        fake.flakyRows = "b"::equals;
        fake.flakyAttempts = FailureClassifyingInterceptor.UNEXPECTED_ATTEMPTS + 2;

        ExperimentResult result = experiment(SPEC).run(spec(SPEC));

        assertEquals(RunStatus.SUCCEEDED, result.runs().get(1).status());
        assertEquals(FailureClassifyingInterceptor.UNEXPECTED_ATTEMPTS + 3, fake.trainAttempts.get("b").get());
    }

    @Test
    void anUnexpectedErrorFailsItsRowAfterAFewAttemptsWithItsMessageRecorded() throws Exception {
        fake.buggyRows = "d"::equals;

        ExperimentResult result = experiment(SPEC).run(spec(SPEC));

        RunOutcome d = result.runs().get(3);
        String message = "ArrayIndexOutOfBoundsException: Index 7 out of bounds for length 4";
        assertEquals(RunStatus.FAILED, d.status());
        assertEquals(message, d.failure());
        assertEquals(3, fake.trainAttempts.get("d").get(), "tried exactly three times");
        assertEquals(RunStatus.FAILED, fake.runStatus.get("d"));
        assertEquals(message, fake.runFailures.get("d"), "the run table keeps the message");
        assertEquals(RunStatus.SUCCEEDED, result.runs().get(0).status());
    }

    @Test
    void aRowAnswersItsStageToQueriesAndLeavesTrainingProgressToHeartbeats() throws Exception {
        ExperimentWorkflow workflow = pipeline.startHolding("a", SPEC);
        SplitRunWorkflow row = pipeline.client().newWorkflowStub(SplitRunWorkflow.class,
                WorkflowIds.run("wiring", "a"));

        assertEquals(new StageProgress("train", TrainingProgress.NONE, false), row.progress());
        assertEquals("runs", workflow.progress().stage());
        fake.release.countDown();
    }

    @Test
    void cancellingOneRowRecordsItCancelledAndTheOthersFinish() throws Exception {
        pipeline.startHolding("a", SPEC);

        pipeline.client().newUntypedWorkflowStub(WorkflowIds.run("wiring", "a")).cancel();
        ExperimentResult result = pipeline.client().newUntypedWorkflowStub(WorkflowIds.experiment("wiring"))
                .getResult(ExperimentResult.class);

        assertEquals(RunStatus.CANCELLED, result.runs().get(0).status());
        assertEquals(RunStatus.CANCELLED, fake.runStatus.get("a"));
        assertEquals(List.of(RunStatus.SUCCEEDED, RunStatus.SUCCEEDED, RunStatus.SUCCEEDED),
                result.runs().subList(1, 4).stream().map(RunOutcome::status).toList());
    }

    private ExperimentWorkflow experiment(String yaml) throws SpecValidationException {
        return pipeline.experiment(yaml);
    }
}
